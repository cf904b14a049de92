// Files of the test data that are computed from another file rather than downloaded, by the
// name the manifest gives the computation ("derivation").
import { itchLengthPrefixed } from './itch-length-prefix.ts';

export const DERIVATIONS = {
  'itch-length-prefix': itchLengthPrefixed,
} satisfies Record<string, (source: Buffer) => Buffer>;
