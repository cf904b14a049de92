// One-line human-readable rendering of a parsed message for logs and the `fix decode`
// command: message name, then name(tag)=value per field, with the enumeration's
// description where the dictionary has one. Allocates; not for the hot path.
import type { FixDictionary } from './fix-dictionary.ts';
import type { FixMessageView } from './fix-message-view.ts';

export function formatFixMessage(view: FixMessageView, dictionary: FixDictionary, separator = ' | '): string {
  const msgType = view.has(35) ? view.getString(35) : '?';
  const parts = [`${dictionary.messagesByType.get(msgType)?.name ?? 'UnknownMessage'} (${msgType})`];
  for (let i = 0; i < view.count; i++) {
    const tag = view.tags[i];
    const field = dictionary.fieldsByNumber.get(tag);
    const value = view.stringAt(i);
    const meaning = field?.values.get(value);
    parts.push(`${field?.name ?? 'Unknown'}(${tag})=${value}${meaning === undefined ? '' : ` [${meaning}]`}`);
  }
  return parts.join(separator);
}
