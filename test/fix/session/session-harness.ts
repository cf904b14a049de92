// A FixSession on a fake clock and an in-memory transport, for tests of its rules without
// sockets or real waits: messages to it are built with their header filled in, and what it
// sends is kept as lists of fields.
import { loadFixDictionary } from '../../../runtime/fix/fix-dictionary.ts';
import { FixEncoder } from '../../../runtime/fix/fix-encoder.ts';
import { type FixApplication, FixSession, type FixSessionOptions } from '../../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import type { FixSessionClock } from '../../../runtime/fix/session/session-clock.ts';
import { dataPath } from '../../helpers/shared-data.ts';

export const FIX44 = loadFixDictionary(dataPath('fix/dictionaries/FIX44.xml'));

/** A clock that moves only when told; timers fire as it passes them. */
export class FakeClock implements FixSessionClock {
  wall = Date.UTC(2026, 11, 3, 12, 0, 0);
  private monotonic = 0;
  private readonly timers = new Set<{ every: number; next: number; callback: () => void }>();

  wallNow(): number {
    return this.wall;
  }

  monotonicNow(): number {
    return this.monotonic;
  }

  every(ms: number, callback: () => void): { cancel(): void } {
    const timer = { every: ms, next: this.monotonic + ms, callback };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  advance(ms: number): void {
    const end = this.monotonic + ms;
    for (;;) {
      let first: { every: number; next: number; callback: () => void } | undefined;
      for (const timer of this.timers) if (timer.next <= end && (first === undefined || timer.next < first.next)) first = timer;
      if (first === undefined) break;
      this.wall += first.next - this.monotonic;
      this.monotonic = first.next;
      first.next += first.every;
      first.callback();
    }
    this.wall += end - this.monotonic;
    this.monotonic = end;
  }
}

export type Fields = [number, string][];

export interface Harness {
  session: FixSession;
  clock: FakeClock;
  /** Messages the session sent, as fields (BodyLength and CheckSum left out). */
  sent: Fields[];
  /** The same messages as bytes. */
  raw: Buffer[];
  closed: () => boolean;
  /** Sends the session a message from the peer: header (8, 35, 34, 49, 52, 56) then `fields`. */
  deliver(msgType: string, seq: number, fields?: Fields, header?: Fields): void;
  /** The value of `tag` in sent message `index` (negative: from the end). */
  value(index: number, tag: number): string | undefined;
  types(): string[];
}

export function fieldsOf(bytes: Uint8Array): Fields {
  return Buffer.from(bytes)
    .toString('latin1')
    .split('\x01')
    .filter((field) => field !== '')
    .map((field) => [Number(field.slice(0, field.indexOf('='))), field.slice(field.indexOf('=') + 1)] as [number, string])
    .filter(([tag]) => tag !== 9 && tag !== 10);
}

export function sessionHarness(options: Partial<FixSessionOptions> & { application?: FixApplication } = {}): Harness {
  const clock = new FakeClock();
  const sent: Fields[] = [];
  const raw: Buffer[] = [];
  let closed = false;
  const session = new FixSession({
    beginString: 'FIX.4.4',
    senderCompID: 'ISLD',
    targetCompID: 'TW',
    dictionary: FIX44,
    store: new MemoryMessageStore(),
    application: options.application ?? { msgTypes: new Set(['D']), onApplicationMessage: () => {} },
    role: 'acceptor',
    clock,
    ...options,
  });
  session.connect({
    write: (bytes) => {
      sent.push(fieldsOf(bytes));
      raw.push(Buffer.from(bytes));
    },
    close: () => (closed = true),
  });
  const encoder = new FixEncoder({ beginString: 'FIX.4.4' });
  return {
    session,
    clock,
    sent,
    raw,
    closed: () => closed,
    deliver(msgType, seq, fields = [], header = []) {
      encoder.begin(msgType).int(34, seq).string(49, 'TW').utcTimestamp(52, clock.wall).string(56, 'ISLD');
      for (const [tag, value] of [...header, ...fields]) encoder.string(tag, value);
      encoder.finish();
      session.receive(encoder.buffer, encoder.start, encoder.end);
    },
    value(index, tag) {
      const message = sent.at(index);
      return message?.find(([found]) => found === tag)?.[1];
    },
    types() {
      return sent.map((message) => message.find(([tag]) => tag === 35)![1]);
    },
  };
}

/** Logs the harness's acceptor session on (HeartBtInt `heartBtInt` s) and forgets the Logon answer. */
export function logOn(harness: Harness, heartBtInt = 30): void {
  harness.deliver('A', 1, [
    [98, '0'],
    [108, String(heartBtInt)],
  ]);
  harness.sent.length = 0;
}

/** Waits (polling) until `condition` holds; fails after `ms` naming `what`. */
export async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
