// Where a client stands in its subscription, across connections: each record's subscription
// sequence (counted on from the hello's nextSubscriptionSequence), and what the server says
// of its position (hello, heartbeats, gap markers) turned into gaps and losses by a
// SequenceTracker. Under an instrument filter, the records of other instruments never count
// as lost; the subscription's own records missed while reconnecting, or that the server
// could not send, count exactly.
import { SequenceTracker } from '../stats/sequence-tracker.ts';
import type { FeedHello } from './feed-protocol.ts';

export class SubscriptionPosition {
  readonly sequences = new SequenceTracker();
  private next = 0;
  private epoch: number | undefined;

  /** Subscription sequence of the next record. */
  get nextSubscriptionSequence(): number {
    return this.next;
  }

  /** Whether the hello begins a new stream (another epoch: the publisher restarted, sequences start again). */
  isNewStream(hello: FeedHello): boolean {
    return this.epoch !== undefined && hello.epoch !== this.epoch;
  }

  /** A connection's hello; returns how many of the subscription's records were lost since the last connection. */
  begin(hello: FeedHello): number {
    if (this.isNewStream(hello)) this.sequences.reset();
    this.epoch = hello.epoch;
    return this.moveTo(hello.nextSubscriptionSequence);
  }

  /** A record; returns its subscription sequence. */
  record(sequence: number): number {
    const position = this.next++;
    this.sequences.observe(sequence, position);
    return position;
  }

  /** The server says its next record is at `nextSubscriptionSequence`; returns how many records were lost before it. */
  moveTo(nextSubscriptionSequence: number): number {
    const lostBefore = this.sequences.lostRecords;
    this.sequences.expect(nextSubscriptionSequence);
    this.next = nextSubscriptionSequence;
    return this.sequences.lostRecords - lostBefore;
  }
}
