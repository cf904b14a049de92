// The one error type the FIX code throws: a code a program can switch on and the byte
// offset (relative to the buffer handed in) where the problem was found, so a bad message
// in a log or on a socket can be located without re-parsing it by hand.

export type FixErrorCode =
  | 'BadBeginString'
  | 'BadBodyLength'
  | 'BadCheckSum'
  | 'BadMsgType'
  | 'Garbled'
  | 'MissingField'
  | 'MalformedValue'
  | 'MessageTooLarge'
  | 'InvalidValue'
  | 'BufferFull'
  | 'BadGroup';

export class FixError extends Error {
  override readonly name = 'FixError';
  readonly code: FixErrorCode;
  readonly offset: number;

  constructor(code: FixErrorCode, offset: number, detail: string) {
    super(`${code} at byte ${offset}: ${detail}`);
    this.code = code;
    this.offset = offset;
  }
}
