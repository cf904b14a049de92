// The repeating groups of a decoded message as "NoXxx:entries" strings, nested groups
// included: the form jspurefix-oracle.ts gives jspurefix's groups in.
import type { DecodedField } from '../../runtime/fix/fix-group-decoder.ts';

export function groupsOf(fields: DecodedField[], out: string[] = []): string[] {
  for (const field of fields) {
    if (!('entries' in field)) continue;
    out.push(`${field.name}:${field.entries.length}`);
    for (const entry of field.entries) groupsOf(entry, out);
  }
  return out;
}
