// The fix bench's impls, each a factory for a MessageHandler over the FIX 4.4 dictionary.
import type { FixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import type { FieldReading } from './fix-cases.ts';
import { jspurefixHandler } from './jspurefix-handler.ts';
import { marketfeedHandler } from './marketfeed-handler.ts';
import type { MessageHandler } from './message-loop.ts';

/** The peer's cheapest path (parser + MsgView): every ratio, and the ≥ 5× target, is against it. */
export const BASELINE_IMPL = 'jspurefix';

export interface Dictionaries {
  dictionary: FixDictionary;
  dictionaryPath: string;
}

export interface FixImpl {
  name: string;
  createHandler(dictionaries: Dictionaries, reading: FieldReading): Promise<MessageHandler>;
}

export const FIX_IMPLS: readonly FixImpl[] = [
  { name: 'marketfeed', createHandler: ({ dictionary }, reading) => Promise.resolve(marketfeedHandler(dictionary, reading)) },
  { name: BASELINE_IMPL, createHandler: ({ dictionaryPath }, reading) => jspurefixHandler(dictionaryPath, reading, 'view') },
  { name: 'jspurefix-toObject', createHandler: ({ dictionaryPath }, reading) => jspurefixHandler(dictionaryPath, reading, 'toObject') },
];
