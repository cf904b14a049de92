import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { native } from '../../runtime/native/native-addon.ts';
import { Segment } from '../../runtime/shm/segment.ts';
import { SegmentError } from '../../runtime/shm/segment-error.ts';
import { HeaderDouble, HeaderWord, SEGMENT_MAGIC, SegmentState, segmentSize } from '../../runtime/shm/segment-layout.ts';
import { validateSegmentName } from '../../runtime/shm/segment-name.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterAll(() => removeShmDir(dir));

function create(name = uniqueFeed(), extra: Partial<Parameters<typeof Segment.create>[0]> = {}): Segment {
  return Segment.create({ name, directory: dir, capacity: 1024, mode: 'broadcast', ...extra }).segment;
}

function openError(name: string): SegmentError {
  try {
    Segment.open({ name, directory: dir }, false).close();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmentError);
    return error as SegmentError;
  }
  throw new Error('expected Segment.open to fail');
}

/** Rewrites one header word of an existing segment file. */
function patchWord(name: string, word: number, value: number): void {
  const mapped = native.openSegment(path.join(dir, name), true);
  new Int32Array(mapped.buffer)[word] = value;
  native.unmapSegment(mapped.buffer);
}

describe('segment', () => {
  it('creates a segment that a second mapping opens with the same header', () => {
    const segment = create();
    const opened = Segment.open({ name: segment.name, directory: dir }, false);
    expect(opened.capacity).toBe(1024);
    expect(opened.mode).toBe('broadcast');
    expect(opened.epoch).toBe(segment.epoch);
    expect(opened.epoch).not.toBe(0);
    expect(opened.writerPid).toBe(process.pid);
    expect(fs.statSync(segment.path).size).toBe(segmentSize(1024, 64, 0));
    // Stores through one mapping are seen through the other.
    Atomics.store(segment.words, 100, 42);
    expect(Atomics.load(opened.words, 100)).toBe(42);
    opened.close();
    segment.closeAndRemove();
  });

  it('is created 0600 by default and 0660 with group access', () => {
    const privateSegment = create();
    expect(fs.statSync(privateSegment.path).mode & 0o777).toBe(0o600);
    const shared = create(uniqueFeed(), { groupAccess: true });
    expect(fs.statSync(shared.path).mode & 0o777).toBe(0o660);
    privateSegment.closeAndRemove();
    shared.closeAndRemove();
  });

  it('leaves no temporary file behind', () => {
    const segment = create();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    segment.closeAndRemove();
  });

  it('marks itself closed and disappears on closeAndRemove', () => {
    const segment = create();
    const reader = Segment.open({ name: segment.name, directory: dir }, false);
    segment.closeAndRemove();
    expect(fs.existsSync(segment.path)).toBe(false);
    expect(reader.isClosedByWriter).toBe(true);
    expect(reader.isCurrentFile()).toBe(false);
    reader.close();
  });

  describe('refuses a bad segment with an error that says which check failed', () => {
    it('missing', () => {
      const error = openError('no-such-feed');
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/not found.*--feed no-such-feed/);
    });

    it('wrong magic', () => {
      const name = uniqueFeed();
      fs.writeFileSync(path.join(dir, name), Buffer.alloc(8192, 7));
      const error = openError(name);
      expect(error.code).toBe('BAD_MAGIC');
      expect(error.message).toMatch(/not a marketfeed segment: magic 0x07070707, expected 0x44464b4d/);
    });

    it('wrong layout version', () => {
      const segment = create();
      patchWord(segment.name, HeaderWord.layoutVersion, 99);
      const error = openError(segment.name);
      expect(error.code).toBe('BAD_VERSION');
      expect(error.message).toMatch(/layout version 99, this build reads version 1/);
      segment.closeAndRemove();
    });

    it('wrong record size', () => {
      const segment = create();
      patchWord(segment.name, HeaderWord.recordSize, 128);
      const error = openError(segment.name);
      expect(error.code).toBe('BAD_RECORD_SIZE');
      expect(error.message).toMatch(/128-byte records, this build reads 64-byte records/);
      segment.closeAndRemove();
    });

    it('capacity not a power of two', () => {
      const segment = create();
      patchWord(segment.name, HeaderWord.capacity, 1000);
      expect(openError(segment.name).code).toBe('BAD_CAPACITY');
      segment.closeAndRemove();
    });

    it('truncated below the header', () => {
      const segment = create();
      fs.truncateSync(segment.path, 100);
      const error = openError(segment.name);
      expect(error.code).toBe('TRUNCATED');
      expect(error.message).toMatch(/100 bytes, smaller than the 192-byte header/);
      segment.close();
    });

    it('truncated inside the ring', () => {
      const segment = create();
      fs.truncateSync(segment.path, 4096);
      const error = openError(segment.name);
      expect(error.code).toBe('TRUNCATED');
      expect(error.message).toMatch(/4096 bytes, its header \(capacity 1024\) needs 65728/);
      segment.close();
    });

    it('empty file', () => {
      const name = uniqueFeed();
      fs.writeFileSync(path.join(dir, name), '');
      expect(openError(name).code).toBe('TRUNCATED');
    });
  });

  describe('names', () => {
    it.each(['', 'a/b', '..', 'a..b', '.hidden', '-dash', 'x'.repeat(101), 'sp ace', 'é'])('rejects %j', (name) => {
      expect(() => validateSegmentName(name)).toThrow(SegmentError);
    });
    it.each(['feed', 'AAPL.us-east_1', 'x'.repeat(100), '0'])('accepts %j', (name) => {
      expect(validateSegmentName(name)).toBe(name);
    });
  });

  describe('stale segments', () => {
    it('refuses to replace a segment whose publisher is alive', () => {
      const segment = create();
      expect(() => create(segment.name)).toThrow(expect.objectContaining({ code: 'IN_USE' }));
      segment.closeAndRemove();
    });

    it('replaces one whose publisher is gone, with a new epoch', () => {
      const segment = create();
      const name = segment.name;
      patchWord(name, HeaderWord.writerPid, 2 ** 22 + 12345); // beyond pid_max: no such process
      const doubles = new Float64Array(segment.buffer, 0, 24);
      doubles[HeaderDouble.writerHeartbeatMs] -= 1000;
      const { segment: fresh, replaced } = Segment.create({ name, directory: dir, capacity: 1024, mode: 'broadcast' });
      expect(replaced?.reason).toMatch(/publisher pid \d+ is gone/);
      expect(replaced?.epoch).toBe(segment.epoch);
      expect(fresh.epoch).not.toBe(segment.epoch);
      // The old mapping still works but no longer names the file.
      expect(segment.isCurrentFile()).toBe(false);
      expect(fresh.isCurrentFile()).toBe(true);
      segment.close();
      fresh.closeAndRemove();
    });

    it('replaces one whose heartbeat is older than the stale limit, even if the pid exists', () => {
      const segment = create();
      new Float64Array(segment.buffer, 0, 24)[HeaderDouble.writerHeartbeatMs] -= 10_000;
      patchWord(segment.name, HeaderWord.writerPid, 1);
      const { segment: fresh, replaced } = Segment.create({ name: segment.name, directory: dir, capacity: 64, mode: 'backpressure' });
      expect(replaced?.reason).toMatch(/heartbeat \d+ ms old/);
      expect(fresh.mode).toBe('backpressure');
      segment.close();
      fresh.closeAndRemove();
    });

    it('replaces one its publisher closed', () => {
      const segment = create();
      Atomics.store(segment.words, HeaderWord.state, SegmentState.closed);
      const { replaced, segment: fresh } = Segment.create({ name: segment.name, directory: dir, capacity: 1024, mode: 'broadcast' });
      expect(replaced?.reason).toBe('closed by its publisher');
      segment.close();
      fresh.closeAndRemove();
    });

    it('never replaces a file that is not a segment', () => {
      const name = uniqueFeed();
      fs.writeFileSync(path.join(dir, name), 'precious data');
      expect(() => create(name)).toThrow(/exists and is not a marketfeed segment/);
      expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('precious data');
    });
  });

  it('rejects bad geometry at creation', () => {
    expect(() => create(uniqueFeed(), { capacity: 1000 })).toThrow(/power of two/);
    expect(() => create(uniqueFeed(), { mode: 'backpressure', consumerSlots: 0 })).toThrow(/consumer slots/);
    expect(SEGMENT_MAGIC).toBe(0x4446_4b4d);
  });
});
