// The FIX data dictionary `fix decode --dictionary FILE [--transport FILE]` names, read with
// every failure in one line that names the file and the option it came from: a file that
// cannot be read, or one that is not a QuickFIX XML data dictionary (`--dictionary
// /etc/passwd`), rather than the parser's bare "Garbled at byte 0: …".
import { readFileSync } from 'node:fs';
import { type FixDictionary, parseFixDictionary } from '../fix/fix-dictionary.ts';
import { FixError } from '../fix/fix-error.ts';
import { systemErrorReason } from './system-error-reason.ts';

export class DictionaryFileError extends Error {
  override readonly name = 'DictionaryFileError';
  readonly code = 'BAD_DICTIONARY';
}

export function loadDictionaryOption(dictionary: string, transport: string | undefined): FixDictionary {
  const xml = readOption('--dictionary', dictionary);
  const transportXml = transport === undefined ? undefined : readOption('--transport', transport);
  try {
    return parseFixDictionary(xml, transportXml);
  } catch (error) {
    if (!(error instanceof FixError)) throw error;
    const named = transport === undefined ? `--dictionary ${dictionary}` : `--dictionary ${dictionary} with --transport ${transport}`;
    const where = error.offset > 0 ? ` at byte ${error.offset}` : '';
    throw new DictionaryFileError(`${named} is not a QuickFIX XML data dictionary: ${error.detail.replace(/^dictionary (XML: )?/, '')}${where}`);
  }
}

function readOption(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new DictionaryFileError(`cannot read ${option} ${file}: ${systemErrorReason(error)}`);
  }
}
