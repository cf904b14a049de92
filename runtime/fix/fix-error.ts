// The one error type the FIX code throws: a code a program can switch on and the byte
// offset (relative to the buffer handed in) where the problem was found, so a bad message
// in a log or on a socket can be located without re-parsing it by hand.
//
// One code per failure, so that what went wrong can be told from the code alone:
//
// framing (FixParser, FixFramer)
//   Truncated        the bytes end before the message does: inside its header, its body (fewer
//                    bytes than BodyLength promises) or its CheckSum; or a new message begins there
//   MissingCheckSum  the body ends where BodyLength says, but no CheckSum (10) follows
//   BadBeginString   the first field is not 8=FIX.n.m or 8=FIXT.n.m
//   BadBodyLength    the second field is not BodyLength (9) of digits, or BodyLength disagrees with
//                    where the CheckSum field is (the size the body really has is named)
//   BadCheckSum      CheckSum (10) is not 3 digits, or not the sum of the bytes
//   MessageTooLarge  BodyLength promises more than the framer accepts
//   Garbled          bytes after the CheckSum field; an unreadable data dictionary
// fields (FixParser)
//   MissingEquals    a field with no '=' (`55AAPL`), or an empty field (two delimiters in a row)
//   BadTag           a tag that is not a positive number without leading zeros (`4garbled9=`, `0=`, `-1=`, `=x`)
//   TagOutOfOrder    a field out of its section: 8, 9 or 10 inside the body; with a dictionary
//                    (FixValidator, strict), a header field after the body or a body field after the trailer
//   BadMsgType       the third field is not MsgType (35), or there is none
//   BadDataLength    a data field (RawData, …) is not as long as its length field says
// values (FixMessageView accessors)
//   MissingField     a field asked for, or required by the dictionary (FixValidator, strict), is absent
//   MalformedValue   a value is not of its type (an integer, a decimal, a UTCTimestamp, …)
// dictionary validation (FixValidator)
//   BadGroup         a repeating group's NumInGroup count differs from the entries that follow it
//   GroupOutOfOrder  (strict) a group entry does not start with the group's first field
//   EmptyValue       (strict) a field with no value (`56=`)
//   BadEnumValue     (strict) a value that is not one of the field's enumerated values
//   UnknownTag       (strict) a tag the dictionary does not define
//   TagNotDefinedForMessage  (strict) a tag the dictionary defines, but not for this message type
//   RepeatedTag      (strict) a tag that appears twice outside a repeating group, or twice in one entry
//   UnknownMsgType   (strict) a MsgType the dictionary does not define
// encoding (FixEncoder)
//   InvalidValue     a value the encoder refuses (empty, holding the delimiter, a bad tag), or
//                    bounds handed to FixParser.parse that are not within the buffer
//   BufferFull       the message does not fit the encoder's capacity

export type FixErrorCode =
  | 'Truncated'
  | 'MissingCheckSum'
  | 'BadBeginString'
  | 'BadBodyLength'
  | 'BadCheckSum'
  | 'MessageTooLarge'
  | 'Garbled'
  | 'MissingEquals'
  | 'BadTag'
  | 'TagOutOfOrder'
  | 'BadMsgType'
  | 'BadDataLength'
  | 'MissingField'
  | 'MalformedValue'
  | 'BadGroup'
  | 'GroupOutOfOrder'
  | 'EmptyValue'
  | 'BadEnumValue'
  | 'UnknownTag'
  | 'TagNotDefinedForMessage'
  | 'RepeatedTag'
  | 'UnknownMsgType'
  | 'InvalidValue'
  | 'BufferFull';

export class FixError extends Error {
  override readonly name = 'FixError';
  readonly code: FixErrorCode;
  readonly offset: number;
  /** What was wrong, without the code and offset (for a report that numbers bytes its own way). */
  readonly detail: string;

  constructor(code: FixErrorCode, offset: number, detail: string) {
    super(`${code} at byte ${offset}: ${detail}`);
    this.code = code;
    this.offset = offset;
    this.detail = detail;
  }
}
