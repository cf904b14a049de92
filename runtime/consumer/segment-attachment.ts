// A consumer's hold on its feed's segment: attach (waiting for the publisher if needed),
// notice when the publisher has ended or re-created the segment, and re-attach to the
// new epoch. Checked from a timer, never from the hot loop.
import { BroadcastReceiver, type StartPosition } from '../ring/broadcast-receiver.ts';
import { GatedReceiver, NoConsumerSlotError } from '../ring/gated-receiver.ts';
import type { RecordReceiver } from '../ring/record-receiver.ts';
import { Segment } from '../shm/segment.ts';
import { SegmentError } from '../shm/segment-error.ts';

export interface AttachmentOptions {
  feed: string;
  shmDir: string;
  /** Backpressure consumer slot; undefined = first free. */
  slot: number | undefined;
}

export type AttachmentState =
  /** Attached and the publisher is (or may be) still writing. */
  | 'attached'
  /** The publisher closed the segment and every record has been read. */
  | 'ended'
  /** The path now names a different segment (or none), and every record has been read. */
  | 'replaced';

export class SegmentAttachment {
  segment: Segment | undefined;
  receiver: RecordReceiver | undefined;
  /** Why the last tryAttach() found a segment but could not attach to it. */
  lastRefusal: string | undefined;
  private readonly options: AttachmentOptions;

  constructor(options: AttachmentOptions) {
    this.options = options;
  }

  /**
   * Attaches if the segment exists and (backpressure mode) a consumer slot is free;
   * returns false if not (yet): a slot frees when its consumer's heartbeat goes stale.
   * Any other problem throws.
   */
  tryAttach(start: StartPosition): boolean {
    let segment: Segment;
    try {
      // Probe read-only first: a broadcast consumer never needs write access.
      segment = Segment.open({ name: this.options.feed, directory: this.options.shmDir }, false);
      if (segment.mode === 'backpressure') {
        segment.close();
        segment = Segment.open({ name: this.options.feed, directory: this.options.shmDir }, true);
      }
    } catch (error) {
      if (error instanceof SegmentError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
    try {
      this.receiver =
        segment.mode === 'broadcast'
          ? new BroadcastReceiver(segment.ring(), start)
          : new GatedReceiver(segment.ring(), this.options.slot === undefined ? {} : { slot: this.options.slot });
    } catch (error) {
      segment.close();
      if (error instanceof NoConsumerSlotError) {
        this.lastRefusal = error.message;
        return false;
      }
      throw error;
    }
    this.lastRefusal = undefined;
    this.segment = segment;
    return true;
  }

  state(): AttachmentState {
    const segment = this.segment;
    const receiver = this.receiver;
    if (segment === undefined || receiver === undefined) return 'replaced';
    if (receiver.lag() > 0) return 'attached';
    if (segment.isClosedByWriter) return 'ended';
    return segment.isCurrentFile() ? 'attached' : 'replaced';
  }

  /** Keeps a backpressure slot's heartbeat fresh. */
  beat(): void {
    if (this.receiver instanceof GatedReceiver) this.receiver.beat();
  }

  detach(): void {
    if (this.receiver instanceof GatedReceiver) this.receiver.release();
    this.segment?.close();
    this.segment = undefined;
    this.receiver = undefined;
  }
}
