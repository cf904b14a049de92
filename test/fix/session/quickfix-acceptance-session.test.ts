// QuickFIX's session acceptance suite (../shared/data/fix/quickfix-acceptance/{fix42,fix44})
// played over TCP against our FixAcceptor, as QuickFIX's runner plays it: I lines are sent
// with BodyLength, CheckSum and <TIME> filled in; each E line must be the next message the
// acceptor sends, compared field by field (BodyLength, CheckSum and the time stamps SendingTime,
// OrigSendingTime and TransactTime, placeholders in the scripts, only as to their form);
// eDISCONNECT must see the connection closed with nothing more sent. The application echoes
// NewOrderSingle and SecurityDefinition as QuickFIX's test application does (at_application.h),
// a resent NewOrderSingle (PossResend=Y) whose ClOrdID it has seen only once. Each script gets
// its own acceptor; all run at once. In the two scripts about HeartBtInt (TIMED_SCRIPTS) the
// session's timers (heartbeats, test requests, timeouts) run on a clock TIME_SCALE times
// faster than the wall clock, so they take seconds, not half a minute; SendingTime is always
// checked against the real time. The other scripts run on real time, as QuickFIX runs them
// (several log on with HeartBtInt=2 and expect no Heartbeat in between).
import { type Socket, connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixDictionary } from '../../../runtime/fix/fix-dictionary.ts';
import type { FixMessageView } from '../../../runtime/fix/fix-message-view.ts';
import { FixAcceptor } from '../../../runtime/fix/session/fix-acceptor.ts';
import { type FixApplication, FixSession } from '../../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import type { FixSessionClock } from '../../../runtime/fix/session/session-clock.ts';
import { SessionFramer } from '../../../runtime/fix/session/session-framer.ts';
import { dataPath } from '../../helpers/shared-data.ts';
import { ACCEPTANCE_VERSIONS, type AcceptanceStep, type AcceptanceVersion, acceptanceScripts, acceptanceSteps } from '../quickfix-acceptance.ts';

const TIME_SCALE = 5;
const TIMED_SCRIPTS = new Set(['4a_NoDataSentDuringHeartBtInt.def', '6_SendTestRequest.def']);
/** Longest wait for an expected message or disconnect (wall time). */
const WAIT_MS = 6000;
const DICTIONARY_FILE: Record<AcceptanceVersion, string> = { fix42: 'FIX42.xml', fix44: 'FIX44.xml' };
const TIMESTAMP_TAGS = new Set([52, 60, 122]);
const TIMESTAMP = /^\d{8}-\d{2}:\d{2}:\d{2}(\.\d{3})?$/;

const scaledClock = (scale: number): FixSessionClock => {
  const start = performance.now();
  return {
    wallNow: () => Date.now(),
    monotonicNow: () => (performance.now() - start) * scale,
    every(ms, callback) {
      const timer = setInterval(callback, ms / scale);
      return { cancel: () => clearInterval(timer) };
    },
  };
};

/** QuickFIX's test application: echoes orders (once per ClOrdID when PossResend=Y) and security definitions. */
function echoApplication(dictionary: ReturnType<typeof loadFixDictionary>): FixApplication {
  const clOrdIds = new Set<string>();
  return {
    msgTypes: new Set(['D', 'd']),
    onApplicationMessage(session, view) {
      const msgType = view.stringAt(2);
      if (msgType === 'D') {
        const clOrdId = view.getString(11);
        const possResend = view.indexOf(97) >= 0 && view.getChar(97) === 'Y';
        if (possResend && clOrdIds.has(clOrdId)) return;
        clOrdIds.add(clOrdId);
      }
      const fields = echoedFields(view, dictionary);
      session.send(msgType, (encoder) => {
        for (const [tag, value] of fields) encoder.string(tag, value);
      });
    },
  };
}

/**
 * The fields QuickFIX's echo sends after the standard header: header fields of the message's
 * own, then the body, each in tag order (a QuickFIX FieldMap), a group's entries kept after its count.
 */
function echoedFields(view: FixMessageView, dictionary: ReturnType<typeof loadFixDictionary>): [number, string][] {
  const standard = new Set([8, 9, 35, 34, 49, 52, 56, 43, 122, 10]);
  const header: [number, string][] = [];
  const body: [number, string][][] = [];
  const def = dictionary.messagesByType.get(view.stringAt(2));
  let group: Set<number> | undefined;
  for (let i = 3; i < view.count - 1; i++) {
    const tag = view.tags[i];
    if (standard.has(tag)) continue;
    if (dictionary.header.tags.has(tag)) header.push([tag, view.stringAt(i)]);
    else if (group?.has(tag)) body[body.length - 1].push([tag, view.stringAt(i)]);
    else {
      body.push([[tag, view.stringAt(i)]]);
      group = def?.groups.get(tag)?.tags;
    }
  }
  header.sort((a, b) => a[0] - b[0]);
  body.sort((a, b) => a[0][0] - b[0][0]);
  return [...header, ...body.flat()];
}

function fieldsOf(bytes: Buffer): [number, string][] {
  const text = bytes.toString('latin1');
  return text
    .split('\x01')
    .filter((field) => field !== '')
    .map((field) => {
      const at = field.indexOf('=');
      return [Number(field.slice(0, at)), field.slice(at + 1)] as [number, string];
    })
    .filter(([tag]) => tag !== 9 && tag !== 10);
}

/** Why `actual` is not the expected message, or undefined if it is. */
function difference(expected: Buffer, actual: Buffer): string | undefined {
  const want = fieldsOf(expected);
  const got = fieldsOf(actual);
  const show = (fields: [number, string][]): string => fields.map(([tag, value]) => `${tag}=${value}`).join('|');
  if (want.length !== got.length) return `expected ${show(want)}\n     got ${show(got)}`;
  for (let i = 0; i < want.length; i++) {
    const [tag, value] = want[i];
    const [gotTag, gotValue] = got[i];
    const same = tag === gotTag && (TIMESTAMP_TAGS.has(tag) ? TIMESTAMP.test(gotValue) : value === gotValue);
    if (!same) return `field ${i + 1}: expected ${tag}=${value}, got ${gotTag}=${gotValue}\nexpected ${show(want)}\n     got ${show(got)}`;
  }
  return undefined;
}

/** A client connection of the runner: what the acceptor sent, and whether it closed. */
class Client {
  readonly received: Buffer[] = [];
  closed = false;
  private wake: (() => void) | undefined;
  private readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    const framer = new SessionFramer({
      onMessage: (buffer, start, end) => {
        this.received.push(Buffer.from(buffer.subarray(start, end)));
        this.wake?.();
      },
      onGarbage: () => {},
    });
    this.socket.on('data', (chunk: Buffer) => framer.push(chunk));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits until `done()` holds or WAIT_MS pass. */
  async until(done: () => boolean): Promise<boolean> {
    const deadline = Date.now() + WAIT_MS;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }
}

async function runScript(version: AcceptanceVersion, file: string, dictionary: ReturnType<typeof loadFixDictionary>): Promise<string | undefined> {
  const beginString = version === 'fix42' ? 'FIX.4.2' : 'FIX.4.4';
  const target = version === 'fix42' ? 'TW42' : 'TW44';
  const session = new FixSession({
    beginString,
    senderCompID: 'ISLD',
    targetCompID: target,
    dictionary,
    store: new MemoryMessageStore(),
    application: echoApplication(dictionary),
    role: 'acceptor',
    clock: scaledClock(TIMED_SCRIPTS.has(file) ? TIME_SCALE : 1),
    resetOnDisconnect: true,
    tickMs: 200,
  });
  const acceptor = new FixAcceptor({ sessions: [session], port: 0, host: '127.0.0.1' });
  const { port } = await acceptor.listen();
  const clients = new Map<number, Client>();
  const read = new Map<number, number>();
  try {
    for (const step of acceptanceSteps(version, file)) {
      const failure = await playStep(step, clients, read, port);
      if (failure !== undefined) return `${file}:${step.line}: ${failure}`;
    }
    return undefined;
  } finally {
    for (const client of clients.values()) client.close();
    await acceptor.close(0);
  }
}

async function playStep(step: AcceptanceStep, clients: Map<number, Client>, read: Map<number, number>, port: number): Promise<string | undefined> {
  const id = step.connection;
  if (step.action === 'connect') {
    const client = new Client(port);
    clients.set(id, client);
    read.set(id, 0);
    await client.ready();
    return undefined;
  }
  const client = clients.get(id);
  if (client === undefined) return `connection ${id} is not open`;
  const next = read.get(id)!;
  switch (step.action) {
    case 'send':
      client.send(step.message!(Date.now()));
      return undefined;
    case 'disconnect':
      client.close();
      return undefined;
    case 'expect': {
      if (!(await client.until(() => client.received.length > next || client.closed))) return 'expected a message, none came';
      if (client.received.length <= next) return 'expected a message, the connection closed';
      read.set(id, next + 1);
      return difference(step.message!(Date.now()), client.received[next]);
    }
    case 'expectDisconnect': {
      await client.until(() => client.closed || client.received.length > next);
      if (client.received.length > next) return `expected a disconnect, got ${client.received[next].toString('latin1').replaceAll('\x01', '|')}`;
      return client.closed ? undefined : 'expected a disconnect, the connection stayed open';
    }
  }
}

describe.concurrent('QuickFIX acceptance scripts over TCP against FixAcceptor', () => {
  const summary: string[] = [];
  afterAll(() => {
    process.stdout.write(`${summary.join('\n')}\n`);
  });

  for (const version of ACCEPTANCE_VERSIONS) {
    it(`${version}: every script passes`, { timeout: 60_000 }, async () => {
      const dictionary = loadFixDictionary(dataPath(`fix/dictionaries/${DICTIONARY_FILE[version]}`));
      const scripts = acceptanceScripts(version);
      const results = await Promise.all(scripts.map((file) => runScript(version, file, dictionary)));
      const failures = results.filter((result) => result !== undefined);
      summary.push(`${version}: ${scripts.length - failures.length}/${scripts.length} scripts passed`);
      expect(failures).toEqual([]);
    });
  }
});
