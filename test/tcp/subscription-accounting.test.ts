// A subscription's gaps and losses, end to end in one process: records published into a
// ring, the server's fan-out (and its guard), the bytes of each connection cut anywhere
// when it is dropped, the client's decoder and SubscriptionPosition. For any instrument
// filter and any pattern of drops, reconnects, heartbeats and ring laps, what the client
// reports must equal what a plain reference computes from the records the filter selects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordType } from '../../runtime/record/record-layout.ts';
import { BroadcastTransmitter } from '../../runtime/ring/broadcast-transmitter.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { SequenceTracker } from '../../runtime/stats/sequence-tracker.ts';
import { BinaryFeedDecoder } from '../../runtime/tcp/binary-feed-decoder.ts';
import { FanoutGuardedTransmitter } from '../../runtime/tcp/fanout-guarded-transmitter.ts';
import type { FeedDecoder, FeedEvents } from '../../runtime/tcp/feed-events.ts';
import { encodeFeedHello, encodeHeartbeat } from '../../runtime/tcp/feed-greetings.ts';
import { PROTOCOL_VERSION, type FeedEncoding } from '../../runtime/tcp/feed-protocol.ts';
import { NdjsonFeedDecoder } from '../../runtime/tcp/ndjson-feed-decoder.ts';
import { RecordFanout, type FanoutSubscriber } from '../../runtime/tcp/record-fanout.ts';
import { SubscriptionPosition } from '../../runtime/tcp/subscription-position.ts';

type Step =
  | { kind: 'publish'; instruments: number[] }
  | { kind: 'pump' }
  | { kind: 'heartbeat' }
  | { kind: 'deliver' }
  /** The connection ends; the client gets only this fraction of what was sent and not yet read. */
  | { kind: 'drop'; delivered: number }
  | { kind: 'connect' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat({ max: 5 }), { maxLength: 40 }).map((instruments) => ({ kind: 'publish' as const, instruments })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'pump' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'heartbeat' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'deliver' as const }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((delivered) => ({ kind: 'drop' as const, delivered })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'connect' as const }) },
);

interface Scenario {
  encoding: FeedEncoding;
  /** undefined = every instrument. */
  filter: number[] | undefined;
  capacity: number;
  /** Published through the server's guard, as `marketfeed publish` does. */
  guarded: boolean;
  steps: Step[];
}

const scenario = (guarded: fc.Arbitrary<boolean>, filter: fc.Arbitrary<number[] | undefined>): fc.Arbitrary<Scenario> =>
  fc.record({
    encoding: fc.constantFrom<FeedEncoding>('binary', 'json'),
    filter,
    capacity: fc.constantFrom(4, 8, 16),
    guarded,
    steps: fc.array(step, { minLength: 5, maxLength: 60, size: 'max' }),
  });

const anyFilter = fc.option(fc.uniqueArray(fc.nat({ max: 5 }), { minLength: 1, maxLength: 5 }), { nil: undefined });

/** One connection as the server sees it: the bytes it sent that the client has not read yet. */
class Connection implements FanoutSubscriber {
  streaming = true;
  nextSubscriptionSequence = 0;
  readonly instruments: ReadonlySet<number> | undefined;
  readonly encoding: FeedEncoding;
  readonly decoder: FeedDecoder;
  unread: Buffer[] = [];

  constructor(encoding: FeedEncoding, filter: number[] | undefined, events: FeedEvents) {
    this.encoding = encoding;
    this.instruments = filter === undefined ? undefined : new Set(filter);
    this.decoder = encoding === 'binary' ? new BinaryFeedDecoder(events) : new NdjsonFeedDecoder(events);
  }

  send(data: Buffer | string): void {
    this.unread.push(Buffer.from(data as Buffer));
  }

  /** The client reads the first `fraction` of the unread bytes (cut anywhere). */
  deliver(fraction = 1): void {
    const bytes = Buffer.concat(this.unread);
    this.unread = [];
    this.decoder.push(bytes.subarray(0, Math.floor(bytes.length * fraction)));
  }
}

interface Outcome {
  reported: { gaps: number; lost: number; outOfOrder: number };
  /** The instrument of every published record, by sequence. */
  published: number[];
  /** Sequences the client received, in order. */
  received: number[];
  /** Sequence where the client's first hello said its subscription starts (-1: never greeted). */
  start: number;
  lapped: number;
}

/** Runs the scenario through the real server and client parts; ends connected and fully read. */
function run({ encoding, filter, capacity, guarded, steps }: Scenario): Outcome {
  const { ring } = allocateSharedRing({ capacity, mode: 'broadcast', consumerSlots: 0 });
  const fanout = new RecordFanout(ring);
  const position = new SubscriptionPosition();
  const published: number[] = [];
  const received: number[] = [];
  let start = -1;
  // The client's side, wired as TcpFeedClient wires it.
  const events: FeedEvents = {
    onRecord: (record) => {
      received.push(record.sequence);
      position.record(record.sequence);
    },
    onHello: (hello) => {
      if (start < 0) start = hello.nextSequence;
      position.begin(hello);
    },
    onHeartbeat: (_offset, _next, nextSubscriptionSequence) => position.moveTo(nextSubscriptionSequence),
    onGap: (_lost, nextSubscriptionSequence) => position.moveTo(nextSubscriptionSequence),
    onServerError: (reason) => expect.unreachable(reason),
    onMalformed: (reason) => expect.unreachable(reason),
  };
  let connection: Connection | undefined;
  const pump = (): void => {
    fanout.pump(connection === undefined ? [] : [connection]);
  };
  const raw = new BroadcastTransmitter(ring);
  const transmitter: RecordTransmitter = guarded ? new FanoutGuardedTransmitter(raw, fanout, pump) : raw;
  const connect = (): void => {
    connection = new Connection(encoding, filter, events);
    const nextSubscriptionSequence = fanout.startSubscription(connection);
    connection.send(
      Buffer.from(
        encodeFeedHello({
          protocol: PROTOCOL_VERSION,
          feed: 'f',
          epoch: 1,
          encoding,
          instruments: filter ?? 'all',
          bootId: 'b',
          wallMinusMonotonicNs: 0,
          nextSequence: fanout.nextSequence,
          nextSubscriptionSequence,
        }),
      ),
    );
  };
  const heartbeat = (): void => connection?.send(Buffer.from(encodeHeartbeat(encoding, 0, fanout.nextSequence, connection.nextSubscriptionSequence)));
  for (const s of steps) {
    if (s.kind === 'publish') {
      for (const instrument of s.instruments) {
        transmitter.tryClaim()!.setQuote(1, 2, instrument, RecordType.quote, 0, 3, 4, 5, 6);
        transmitter.commit();
        published.push(instrument);
      }
      transmitter.flush();
    } else if (s.kind === 'pump') pump();
    else if (s.kind === 'heartbeat') heartbeat();
    else if (s.kind === 'deliver') connection?.deliver();
    else if (s.kind === 'drop' && connection !== undefined) {
      connection.deliver(s.delivered);
      connection.streaming = false;
      connection = undefined;
    } else if (s.kind === 'connect' && connection === undefined) connect();
  }
  // The end: connected, everything sent and read, so the client knows where the server is.
  pump();
  if (connection === undefined) connect();
  heartbeat();
  connection!.deliver();
  const { gaps, lostRecords: lost, outOfOrder } = position.sequences;
  return { reported: { gaps, lost, outOfOrder }, published, received, start, lapped: fanout.lostRecords };
}

/** The reference: the records the filter selects from the client's start on; those not received are lost, each run of them a gap. */
function reference(outcome: Outcome, filter: number[] | undefined): { gaps: number; lost: number; outOfOrder: number } {
  const received = new Set(outcome.received);
  let gaps = 0;
  let lost = 0;
  let inGap = false;
  outcome.published.forEach((instrument, sequence) => {
    if (sequence < outcome.start || (filter !== undefined && !filter.includes(instrument))) return;
    if (received.has(sequence)) {
      inGap = false;
      return;
    }
    lost++;
    if (!inGap) gaps++;
    inGap = true;
  });
  return { gaps, lost, outOfOrder: 0 };
}

function expectOnlySelectedInOrder(outcome: Outcome, filter: number[] | undefined): void {
  const sorted = [...outcome.received].sort((a, b) => a - b);
  expect(outcome.received).toEqual(sorted);
  expect(new Set(outcome.received).size).toBe(outcome.received.length);
  for (const sequence of outcome.received) if (filter !== undefined) expect(filter).toContain(outcome.published[sequence]);
}

describe('a subscription’s gaps and losses', () => {
  it('equal the reference for any filter and any pattern of drops, reconnects and bursts longer than the ring (the publisher’s guarded path)', () => {
    fc.assert(
      fc.property(scenario(fc.constant(true), anyFilter), (s) => {
        const outcome = run(s);
        expect(outcome.lapped).toBe(0);
        expectOnlySelectedInOrder(outcome, s.filter);
        expect(outcome.reported).toEqual(reference(outcome, s.filter));
      }),
      { numRuns: 400 },
    );
  });

  it('equal the reference for every instrument when the ring laps an unguarded fan-out', () => {
    fc.assert(
      fc.property(scenario(fc.constant(false), fc.constant(undefined)), (s) => {
        const outcome = run(s);
        expectOnlySelectedInOrder(outcome, undefined);
        expect(outcome.reported).toEqual(reference(outcome, undefined));
      }),
      { numRuns: 300 },
    );
  });

  it('under a filter, never hide a lap of an unguarded fan-out: its records count as lost (an upper bound), the rest exactly', () => {
    fc.assert(
      fc.property(scenario(fc.constant(false), anyFilter.filter((f) => f !== undefined)), (s) => {
        const outcome = run(s);
        const exact = reference(outcome, s.filter);
        expectOnlySelectedInOrder(outcome, s.filter);
        expect(outcome.reported.lost).toBeGreaterThanOrEqual(exact.lost);
        expect(outcome.reported.lost).toBeLessThanOrEqual(exact.lost + outcome.lapped);
        if (outcome.lapped === 0) expect(outcome.reported).toEqual(exact);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SequenceTracker with positions', () => {
  it('counts each run of skipped positions once, however it is learnt (a record past it, or expect)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 3 })), { maxLength: 60 }), (moves) => {
        // A selection: positions advance by 0-3 per move; true = a record at the position, false = the source says where it is.
        const tracker = new SequenceTracker();
        let position = 0;
        let sequence = 0;
        let gaps = 0;
        let lost = 0;
        let inGap = false;
        let started = false;
        for (const [isRecord, skip] of moves) {
          if (started && skip > 0) {
            lost += skip;
            if (!inGap) gaps++;
            inGap = true;
          }
          position += started ? skip : 0;
          if (isRecord) {
            sequence += 1 + skip * 7;
            tracker.observe(sequence, position);
            position++;
            inGap = false;
          } else tracker.expect(position);
          started = true;
        }
        expect({ gaps: tracker.gaps, lost: tracker.lostRecords, outOfOrder: tracker.outOfOrder }).toEqual({ gaps, lost, outOfOrder: 0 });
      }),
    );
  });
});
