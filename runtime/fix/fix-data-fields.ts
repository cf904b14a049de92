// FIX DATA fields (RawData, XmlData, SecureData, EncodedText, …) may hold any byte,
// delimiter included, so their extent comes from the LENGTH field just before them. This
// maps each data tag to its length tag: the FIX 4.x standard pairs, or those a data
// dictionary declares (a DATA field named X pairs with a LENGTH field XLength or XLen).
import type { FixDictionary } from './fix-dictionary.ts';

export const STANDARD_DATA_FIELDS: ReadonlyMap<number, number> = new Map([
  [89, 93], [91, 90], [96, 95], [213, 212], [349, 348], [351, 350], [353, 352], [355, 354], [357, 356], [359, 358],
  [361, 360], [363, 362], [365, 364], [446, 445], [619, 618], [622, 621],
]);

export function dataFieldsOf(dictionary: FixDictionary): Map<number, number> {
  const pairs = new Map<number, number>();
  for (const field of dictionary.fieldsByNumber.values()) {
    if (field.type !== 'DATA' && field.type !== 'XMLDATA') continue;
    for (const suffix of ['Length', 'Len']) {
      const length = dictionary.fieldsByName.get(field.name + suffix);
      if (length !== undefined && (length.type === 'LENGTH' || length.type === 'INT')) {
        pairs.set(field.number, length.number);
        break;
      }
    }
  }
  return pairs;
}
