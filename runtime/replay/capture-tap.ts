// The tap that makes a consumer a recorder: every record it receives is appended to a
// capture file; a timer writes the partial block every flush interval (so a killed
// recorder loses at most that much), and finish() completes the file with its end marker.
// The file is opened with the first record (or at finish, for a recording of nothing), so
// a recorder that fails to start (a busy metrics port) has not yet replaced a capture that
// --force would overwrite. A write failure (a full disk) stops the recorder; finish() still
// tries to complete the file, then reports the failure.
import { wallClockNs } from '../clock/clock.ts';
import type { ConsumerTap } from '../consumer/consumer-tap.ts';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { CaptureWriter } from './capture-writer.ts';

export function captureTap(openWriter: () => CaptureWriter, flushIntervalMs: number): ConsumerTap {
  let writer: CaptureWriter | undefined;
  let failure: Error | undefined;
  const fail = (error: unknown): Error => (failure ??= error instanceof Error ? error : new Error(String(error)));
  const timer = setInterval(() => {
    try {
      writer?.flush();
    } catch (error) {
      // Reported by the next record, or by finish().
      fail(error);
    }
  }, flushIntervalMs);
  return {
    role: 'record',
    onRecord(record: MarketDataRecord): void {
      if (failure !== undefined) throw failure;
      try {
        writer ??= openWriter();
        writer.append(record);
      } catch (error) {
        throw fail(error);
      }
    },
    finish() {
      clearInterval(timer);
      try {
        writer ??= openWriter();
        writer.finish(wallClockNs());
      } catch (error) {
        fail(error);
      }
      if (failure !== undefined) throw failure;
      return { file: writer!.path, recordsWritten: writer!.records, blocks: writer!.blocks, bytes: writer!.bytesWritten };
    },
  };
}
