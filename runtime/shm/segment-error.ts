export type SegmentErrorCode =
  | 'BAD_NAME'
  | 'NOT_FOUND'
  | 'PERMISSION'
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_VERSION'
  | 'BAD_RECORD_SIZE'
  | 'BAD_CAPACITY'
  | 'BAD_MODE'
  | 'IN_USE'
  | 'NO_CONSUMER_SLOT'
  | 'IO';

/** Every failure to create, open or attach a segment; `code` says which check failed. */
export class SegmentError extends Error {
  override readonly name = 'SegmentError';
  readonly code: SegmentErrorCode;
  readonly path: string;

  constructor(code: SegmentErrorCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}
