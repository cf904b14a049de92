// A FIX data dictionary read from QuickFIX XML (FIX42.xml, FIX44.xml, FIX50SP2.xml with
// FIXT11.xml for its session layer), so a user can point at their venue's own file. It
// gives field and message names for logs, and for every message the layout of its
// repeating groups (components expanded, delimiter = first field of the group) that
// group-aware decoding needs.
import { readFileSync } from 'node:fs';
import { FixError } from './fix-error.ts';
import { type XmlElement, parseXml } from './fix-xml.ts';

export interface FixFieldDef {
  number: number;
  name: string;
  type: string;
  /** Enumerated values → description, empty when the field is not an enumeration. */
  values: Map<string, string>;
}

/** Fields and groups that may appear at one level of a message or group entry. */
export interface FixLayout {
  /** Tags allowed at this level (group count tags included, group members excluded). */
  tags: Set<number>;
  required: Set<number>;
  /** Repeating groups at this level by their NoXxx count tag. */
  groups: Map<number, FixGroupDef>;
}

export interface FixGroupDef extends FixLayout {
  countTag: number;
  /** First field of each entry. */
  delimiterTag: number;
}

export interface FixMessageDef extends FixLayout {
  name: string;
  msgType: string;
  category: string;
}

export interface FixDictionary {
  /** e.g. FIX.4.4, FIXT.1.1 + FIX.5.0SP2 */
  version: string;
  fieldsByNumber: Map<number, FixFieldDef>;
  fieldsByName: Map<string, FixFieldDef>;
  messagesByType: Map<string, FixMessageDef>;
  /** Header and trailer fields, merged into every message's layout. */
  header: FixLayout;
  trailer: FixLayout;
}

function child(root: XmlElement, name: string): XmlElement | undefined {
  return root.children.find((element) => element.name === name);
}

function versionOf(fix: XmlElement): string {
  const { type = 'FIX', major = '?', minor = '?', servicepack = '0' } = fix.attributes;
  return `${type}.${major}.${minor}${servicepack !== '0' ? `SP${servicepack}` : ''}`;
}

/** Builds a dictionary from the application XML and, for FIX 5.x, the FIXT transport XML. */
export function parseFixDictionary(xml: string, transportXml?: string): FixDictionary {
  const sources = [parseXml(xml), ...(transportXml === undefined ? [] : [parseXml(transportXml)])].map((document) => {
    const fix = child(document, 'fix');
    if (fix === undefined) throw new FixError('Garbled', 0, 'dictionary XML has no <fix> element');
    return fix;
  });
  const fieldsByNumber = new Map<number, FixFieldDef>();
  const fieldsByName = new Map<string, FixFieldDef>();
  const components = new Map<string, XmlElement>();
  for (const fix of sources) {
    for (const field of child(fix, 'fields')?.children ?? []) {
      const number = Number(field.attributes.number);
      const name = field.attributes.name;
      if (!Number.isInteger(number) || number <= 0 || name === undefined) continue;
      const values = new Map<string, string>();
      for (const value of field.children) if (value.attributes.enum !== undefined) values.set(value.attributes.enum, value.attributes.description ?? '');
      // A field both files define (MsgType, ApplVerID…) keeps the first file's definition, and
      // gains the enumeration values only the other lists: FIXT 1.1 knows just the session MsgTypes.
      const known = fieldsByNumber.get(number);
      if (known !== undefined) {
        for (const [code, meaning] of values) if (!known.values.has(code)) known.values.set(code, meaning);
        fieldsByName.set(name, known);
        continue;
      }
      const def: FixFieldDef = { number, name, type: field.attributes.type ?? 'STRING', values };
      fieldsByNumber.set(number, def);
      fieldsByName.set(name, def);
    }
    for (const component of child(fix, 'components')?.children ?? []) {
      if (component.attributes.name !== undefined) components.set(component.attributes.name, component);
    }
  }

  const tagOf = (name: string | undefined): number => {
    const def = name === undefined ? undefined : fieldsByName.get(name);
    if (def === undefined) throw new FixError('Garbled', 0, `dictionary refers to unknown field ${name}`);
    return def.number;
  };

  const emptyLayout = (): FixLayout => ({ tags: new Set(), required: new Set(), groups: new Map() });

  /** Adds the members of `element` to `layout`, expanding components; returns the first tag added. */
  const addMembers = (layout: FixLayout, element: XmlElement, depth: number): number => {
    if (depth > 32) throw new FixError('Garbled', 0, 'dictionary components nest too deeply');
    let first = -1;
    for (const member of element.children) {
      const required = member.attributes.required === 'Y';
      let tag = -1;
      if (member.name === 'field') {
        tag = tagOf(member.attributes.name);
        layout.tags.add(tag);
        if (required) layout.required.add(tag);
      } else if (member.name === 'group') {
        tag = tagOf(member.attributes.name);
        const group: FixGroupDef = { ...emptyLayout(), countTag: tag, delimiterTag: -1 };
        group.delimiterTag = addMembers(group, member, depth + 1);
        layout.tags.add(tag);
        if (required) layout.required.add(tag);
        layout.groups.set(tag, group);
      } else if (member.name === 'component') {
        const component = components.get(member.attributes.name ?? '');
        if (component === undefined) throw new FixError('Garbled', 0, `dictionary refers to unknown component ${member.attributes.name}`);
        const inner = emptyLayout();
        tag = addMembers(inner, component, depth + 1);
        for (const t of inner.tags) layout.tags.add(t);
        if (required) for (const t of inner.required) layout.required.add(t);
        for (const [t, g] of inner.groups) layout.groups.set(t, g);
      }
      if (first < 0) first = tag;
    }
    return first;
  };

  const header = emptyLayout();
  const trailer = emptyLayout();
  const messagesByType = new Map<string, FixMessageDef>();
  for (const fix of sources) {
    const headerElement = child(fix, 'header');
    const trailerElement = child(fix, 'trailer');
    if (headerElement !== undefined) addMembers(header, headerElement, 0);
    if (trailerElement !== undefined) addMembers(trailer, trailerElement, 0);
    for (const message of child(fix, 'messages')?.children ?? []) {
      const { name = '', msgtype: msgType, msgcat: category = '' } = message.attributes;
      if (msgType === undefined) continue;
      const def: FixMessageDef = { ...emptyLayout(), name, msgType, category };
      addMembers(def, message, 0);
      messagesByType.set(msgType, def);
    }
  }
  return { version: sources.map(versionOf).reverse().join(' + '), fieldsByNumber, fieldsByName, messagesByType, header, trailer };
}

export function loadFixDictionary(path: string, transportPath?: string): FixDictionary {
  return parseFixDictionary(readFileSync(path, 'utf8'), transportPath === undefined ? undefined : readFileSync(transportPath, 'utf8'));
}
