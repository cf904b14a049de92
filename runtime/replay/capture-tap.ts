// The tap that makes a consumer a recorder: every record it receives is appended to a
// capture file; a timer writes the partial block every flush interval (so a killed
// recorder loses at most that much), and finish() completes the file with its end marker.
import { wallClockNs } from '../clock/clock.ts';
import type { ConsumerTap } from '../consumer/consumer-tap.ts';
import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { CaptureWriter } from './capture-writer.ts';

export function captureTap(writer: CaptureWriter, flushIntervalMs: number): ConsumerTap {
  let failure: Error | undefined;
  const timer = setInterval(() => {
    try {
      writer.flush();
    } catch (error) {
      // Reported by the next record, or by finish().
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }, flushIntervalMs);
  return {
    role: 'record',
    onRecord(record: MarketDataRecord): void {
      if (failure !== undefined) throw failure;
      writer.append(record);
    },
    finish() {
      clearInterval(timer);
      if (failure !== undefined) throw failure;
      writer.finish(wallClockNs());
      return { file: writer.path, recordsWritten: writer.records, blocks: writer.blocks, bytes: writer.bytesWritten };
    },
  };
}
