import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryMessageStore, type FixMessageStore } from '../../../runtime/fix/session/message-store.ts';
import { FileMessageStore, sessionDirectoryName, type FsyncPolicy } from '../../../runtime/fix/session/file-message-store.ts';
import { RECORD_HEADER_SIZE, STORE_HEADER_SIZE } from '../../../runtime/fix/session/message-store-frames.ts';
import { capturingLogger, messageFor, storeTempDir } from './store-test-files.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = storeTempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const silent = capturingLogger().logger;

function contents(store: FixMessageStore, begin = 1, end = 1000): string[] {
  const seen: string[] = [];
  store.get(begin, end, (seq, message) => seen.push(`${seq}:${Buffer.from(message).toString('latin1')}`));
  return seen;
}

function state(store: FixMessageStore): unknown {
  return { sender: store.nextSenderMsgSeqNum, target: store.nextTargetMsgSeqNum, created: store.creationTime.getTime(), messages: contents(store) };
}

type Op =
  | { op: 'set'; seq: number; text: string }
  | { op: 'incrSender' | 'incrTarget' | 'reopen' | 'flush' }
  | { op: 'setSender' | 'setTarget'; seq: number }
  | { op: 'reset'; at: number }
  | { op: 'get'; begin: number; end: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), seq: fc.integer({ min: 1, max: 30 }), text: fc.string({ maxLength: 40 }) }) },
  { weight: 3, arbitrary: fc.constantFrom({ op: 'incrSender' as const }, { op: 'incrTarget' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('setSender' as const, 'setTarget' as const), seq: fc.integer({ min: 1, max: 2 ** 40 }) }) },
  { weight: 2, arbitrary: fc.constantFrom({ op: 'reopen' as const }, { op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reset' as const), at: fc.integer({ min: 0, max: 4e12 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), begin: fc.integer({ min: 1, max: 32 }), end: fc.integer({ min: 0, max: 32 }) }) },
);

describe('FileMessageStore', () => {
  it('behaves as MemoryMessageStore through any sequence of sets, increments, resets and reopenings', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.constantFrom<FsyncPolicy[]>('always', 'flush', 'never'), (ops, fsync) => {
        const dir = tempDir();
        const created = new Date(1_700_000_000_000);
        const model = new MemoryMessageStore(created);
        let store = new FileMessageStore(dir, { fsync, now: created, logger: silent });
        try {
          for (const op of ops) {
            switch (op.op) {
              case 'set':
                model.set(op.seq, Buffer.from(op.text));
                store.set(op.seq, Buffer.from(op.text));
                break;
              case 'incrSender':
                model.incrNextSenderMsgSeqNum();
                store.incrNextSenderMsgSeqNum();
                break;
              case 'incrTarget':
                model.incrNextTargetMsgSeqNum();
                store.incrNextTargetMsgSeqNum();
                break;
              case 'setSender':
                model.setNextSenderMsgSeqNum(op.seq);
                store.setNextSenderMsgSeqNum(op.seq);
                break;
              case 'setTarget':
                model.setNextTargetMsgSeqNum(op.seq);
                store.setNextTargetMsgSeqNum(op.seq);
                break;
              case 'reset':
                model.reset(new Date(op.at));
                store.reset(new Date(op.at));
                break;
              case 'flush':
                store.flush();
                break;
              case 'reopen':
                store.close();
                store = new FileMessageStore(dir, { fsync, logger: silent });
                break;
              case 'get':
                expect(contents(store, op.begin, op.end)).toEqual(contents(model, op.begin, op.end));
                break;
            }
            expect(state(store)).toEqual(state(model));
          }
        } finally {
          store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('names one directory per session from BeginString, SenderCompID and TargetCompID, distinct for distinct sessions', () => {
    expect(sessionDirectoryName({ beginString: 'FIX.4.4', senderCompId: 'EXCH', targetCompId: 'CLIENT1' })).toBe('FIX.4.4-EXCH-CLIENT1');
    fc.assert(
      fc.property(fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 })), fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 })), (a, b) => {
        const name = (t: [string, string, string]): string => sessionDirectoryName({ beginString: t[0], senderCompId: t[1], targetCompId: t[2] });
        expect(name(a)).toMatch(/^[A-Za-z0-9._-]+$/);
        expect(name(a)).not.toMatch(/^\.\.?$/);
        if (a.join('\0') !== b.join('\0')) expect(name(a)).not.toBe(name(b));
      }),
    );
    const root = tempDir();
    const store = FileMessageStore.forSession(root, { beginString: 'FIX.4.2', senderCompId: 'A/B', targetCompId: '..' }, { logger: silent });
    store.close();
    expect(fs.readdirSync(root)).toEqual([sessionDirectoryName({ beginString: 'FIX.4.2', senderCompId: 'A/B', targetCompId: '..' })]);
  });

  it('keeps the creation time and sequence numbers across a restart, and only a reset starts a new epoch', () => {
    const dir = tempDir();
    const first = new FileMessageStore(dir, { now: new Date(1000), logger: silent });
    first.set(1, messageFor(1));
    first.incrNextSenderMsgSeqNum();
    first.setNextTargetMsgSeqNum(42);
    first.close();
    const second = new FileMessageStore(dir, { now: new Date(2000), logger: silent });
    expect([second.creationTime.getTime(), second.nextSenderMsgSeqNum, second.nextTargetMsgSeqNum]).toEqual([1000, 2, 42]);
    second.reset(new Date(3000));
    second.close();
    const third = new FileMessageStore(dir, { logger: silent });
    expect(state(third)).toEqual({ sender: 1, target: 1, created: 3000, messages: [] });
    third.close();
  });

  it('archives the previous epoch on reset (or deletes it when asked), the live file replaced in one rename', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), logger: silent });
    store.set(1, messageFor(1));
    store.reset(new Date(Date.UTC(2026, 0, 3)));
    store.set(1, messageFor(2));
    store.close();
    expect(fs.readdirSync(path.join(dir, 'archive'))).toEqual(['messages-2026-01-02T03-04-05.006Z.log']);
    const archived = new FileMessageStore(path.join(dir, 'archive'), { file: 'messages-2026-01-02T03-04-05.006Z.log', logger: silent });
    expect(contents(archived)).toEqual([`1:${messageFor(1).toString('latin1')}`]);
    archived.close();
    const deleting = new FileMessageStore(dir, { onReset: 'delete', logger: silent });
    deleting.reset(new Date(5));
    deleting.close();
    expect(fs.readdirSync(path.join(dir, 'archive'))).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['archive', 'messages.log']);
  });

  it('recovers from a reset that crashed between archiving and the rename: the old epoch intact, the next reset completes it', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { now: new Date(Date.UTC(2026, 0, 2)), logger: silent });
    store.set(1, messageFor(1));
    store.incrNextSenderMsgSeqNum();
    store.close();
    // What a crash leaves after the archive link and before the rename: the link and a half-written new log.
    fs.mkdirSync(path.join(dir, 'archive'));
    fs.linkSync(path.join(dir, 'messages.log'), path.join(dir, 'archive', 'messages-2026-01-02T00-00-00.000Z.log'));
    fs.writeFileSync(path.join(dir, 'messages.log.reset'), 'MFFIX');
    const reopened = new FileMessageStore(dir, { logger: silent });
    expect(state(reopened)).toEqual({ sender: 2, target: 1, created: Date.UTC(2026, 0, 2), messages: [`1:${messageFor(1).toString('latin1')}`] });
    reopened.reset(new Date(Date.UTC(2026, 0, 3)));
    reopened.close();
    expect(fs.readdirSync(path.join(dir, 'archive'))).toEqual(['messages-2026-01-02T00-00-00.000Z.log']);
    expect(fs.readdirSync(dir).sort()).toEqual(['archive', 'messages.log']);
  });

  it('keeps only an index in memory: bodies are read back from the file, and a message overwritten later is the later one', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { logger: silent });
    for (let seq = 1; seq <= 2000; seq++) store.set(seq, messageFor(seq, 200));
    store.set(7, Buffer.from('replaced'));
    expect(store.indexBytes).toBeLessThan(2000 * 32);
    expect(contents(store, 6, 8)).toEqual([`6:${messageFor(6, 200).toString('latin1')}`, '7:replaced', `8:${messageFor(8, 200).toString('latin1')}`]);
    store.close();
  });

  it('cuts a torn tail at every byte where a write can stop, logs it, and never replays it', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { logger: silent });
    store.set(1, messageFor(1));
    store.incrNextSenderMsgSeqNum();
    store.close();
    const file = path.join(dir, 'messages.log');
    const whole = fs.readFileSync(file);
    const lastRecord = whole.length - RECORD_HEADER_SIZE; // the seqnum record after the message
    for (let cut = lastRecord + 1; cut < whole.length; cut++) {
      fs.writeFileSync(file, whole.subarray(0, cut));
      const logs = capturingLogger();
      const reopened = new FileMessageStore(dir, { logger: logs.logger });
      expect(state(reopened)).toEqual({ sender: 1, target: 1, created: reopened.creationTime.getTime(), messages: [`1:${messageFor(1).toString('latin1')}`] });
      expect(logs.lines.find((line) => line.msg === 'FIX message store: torn tail cut')).toMatchObject({ file, offset: lastRecord, bytes: cut - lastRecord });
      reopened.close();
      expect(fs.statSync(file).size).toBe(lastRecord);
    }
  });

  it('cuts garbage appended after the last record, whatever the garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (garbage) => {
        const dir = tempDir();
        const store = new FileMessageStore(dir, { logger: silent });
        store.set(1, messageFor(1));
        store.set(2, messageFor(2));
        store.incrNextSenderMsgSeqNum();
        store.close();
        const file = path.join(dir, 'messages.log');
        const size = fs.statSync(file).size;
        fs.appendFileSync(file, garbage);
        const logs = capturingLogger();
        const reopened = new FileMessageStore(dir, { logger: logs.logger });
        expect(contents(reopened)).toEqual([1, 2].map((seq) => `${seq}:${messageFor(seq).toString('latin1')}`));
        expect(reopened.nextSenderMsgSeqNum).toBe(2);
        expect(logs.lines.some((line) => line.msg === 'FIX message store: torn tail cut' && line.offset === size)).toBe(true);
        reopened.set(3, messageFor(3));
        reopened.close();
        const again = new FileMessageStore(dir, { logger: silent });
        expect(contents(again)).toHaveLength(3);
        again.close();
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a file with a corrupt record in the middle, naming the file and the offset, and changes nothing', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { logger: silent });
    const offsets: number[] = [];
    let at = STORE_HEADER_SIZE;
    for (let seq = 1; seq <= 5; seq++) {
      offsets.push(at);
      store.set(seq, messageFor(seq));
      at += RECORD_HEADER_SIZE + messageFor(seq).length;
    }
    store.close();
    const file = path.join(dir, 'messages.log');
    const whole = fs.readFileSync(file);
    // A byte flipped in the body, then in the header, of the third record.
    for (const flip of [offsets[2] + RECORD_HEADER_SIZE + 10, offsets[2] + 9, offsets[2]]) {
      const bad = Buffer.from(whole);
      bad[flip] ^= 0x40;
      fs.writeFileSync(file, bad);
      expect(() => new FileMessageStore(dir, { logger: silent })).toThrow(`${file}: corrupt record at offset ${offsets[2]}`);
      expect(fs.readFileSync(file)).toEqual(bad);
    }
  });

  it('notices a message corrupted after it was opened when it is read back for a resend', () => {
    const dir = tempDir();
    const store = new FileMessageStore(dir, { logger: silent });
    store.set(1, messageFor(1));
    const file = path.join(dir, 'messages.log');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('X'), 0, 1, STORE_HEADER_SIZE + RECORD_HEADER_SIZE + 3);
    fs.closeSync(fd);
    expect(() => contents(store)).toThrow(`${file}: corrupt record at offset ${STORE_HEADER_SIZE}`);
    store.close();
  });

  it('refuses a file that is no message store', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'messages.log'), 'hello, this is not a store at all, just some text');
    expect(() => new FileMessageStore(dir, { logger: silent })).toThrow(/messages\.log: not a FIX message store/);
  });

  it('refuses a second store object on the same log in one process, and frees the log on close', () => {
    const dir = tempDir();
    const first = new FileMessageStore(dir, { logger: silent });
    expect(() => new FileMessageStore(dir, { logger: silent })).toThrow(/messages\.log is in use by another FileMessageStore in this process/);
    first.close();
    new FileMessageStore(dir, { logger: silent }).close();
    expect(fs.readdirSync(dir)).toEqual(['messages.log']);
  });

  it('takes over the lock of a process that is gone or whose pid now belongs to another process, not of a live owner', () => {
    const dir = tempDir();
    const lock = path.join(dir, 'messages.log.lock');
    const initStart = fs.readFileSync('/proc/1/stat', 'utf8').split(') ')[1].split(' ')[19];
    fs.writeFileSync(lock, `1 ${initStart}`);
    expect(() => new FileMessageStore(dir, { logger: silent })).toThrow(/messages\.log is in use by process 1:/);
    for (const stale of ['999999999 12345', `1 ${Number(initStart) + 1}`]) {
      fs.writeFileSync(lock, stale);
      new FileMessageStore(dir, { logger: silent }).close();
      expect(fs.readdirSync(dir)).toEqual(['messages.log']);
    }
  });

  it('is exported by the library with its errors and the schedule', async () => {
    const library = await import('../../../runtime/index.ts');
    expect([library.FileMessageStore, library.MemoryMessageStore, library.SessionSchedule, library.CorruptMessageStoreError, library.MessageStoreIoError, library.StoreInUseError]).toEqual([
      FileMessageStore,
      MemoryMessageStore,
      (await import('../../../runtime/fix/session/session-schedule.ts')).SessionSchedule,
      (await import('../../../runtime/fix/session/message-store-scan.ts')).CorruptMessageStoreError,
      (await import('../../../runtime/fix/session/file-message-store.ts')).MessageStoreIoError,
      (await import('../../../runtime/fix/session/store-lock.ts')).StoreInUseError,
    ]);
  });

  it('refuses use after close', () => {
    const store = new FileMessageStore(tempDir(), { logger: silent });
    store.close();
    expect(() => store.set(1, messageFor(1))).toThrow(/closed/);
  });
});
