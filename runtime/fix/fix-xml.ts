// A minimal XML element reader for the QuickFIX data dictionaries: elements, attributes,
// comments and the prolog. Text content is ignored (the dictionaries carry everything in
// attributes), so this is not a general XML parser and does not pretend to be one.
import { FixError } from './fix-error.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g;
const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]);
}

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    const between = text.slice(last, match.index);
    if (between.includes('<')) throw new FixError('Garbled', last + between.indexOf('<'), 'dictionary XML: unreadable markup');
    last = match.index + match[0].length;
    const name = match[2];
    if (name === undefined) continue;
    if (match[1] === '/') {
      const open = stack.pop();
      if (open === undefined || open.name !== name || stack.length === 0) throw new FixError('Garbled', match.index, `dictionary XML: unexpected </${name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const attribute of (match[3] ?? '').matchAll(ATTRIBUTE)) attributes[attribute[1]] = decode(attribute[2] ?? attribute[3] ?? '');
    const element: XmlElement = { name, attributes, children: [] };
    stack[stack.length - 1].children.push(element);
    if (match[4] !== '/') stack.push(element);
  }
  if (stack.length !== 1) throw new FixError('Garbled', text.length, `dictionary XML: <${stack[stack.length - 1].name}> is not closed`);
  return root;
}
