// Temporary directories and deterministic message bytes for the message-store tests: a
// message's bytes follow from its sequence number, so a process that reopens a store
// written by another can check every byte without being told what was written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';

export function storeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-store-'));
}

/** A FIX-looking message for `seq`, `size` bytes long (at least the prefix). */
export function messageFor(seq: number, size = 64): Buffer {
  const head = `8=FIX.4.4\x0135=D\x0134=${seq}\x0158=`;
  const body = Buffer.alloc(Math.max(size, head.length + 1), 0x61 + (seq % 26));
  body.write(head);
  body[body.length - 1] = 0x01;
  return body;
}

export interface CapturedLogs {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

/** A pino logger whose lines a test can read. */
export function capturingLogger(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** The crash tests' message sizes: some of megabytes, so that a kill often lands inside a write. */
export function crashMessageSize(seq: number): number {
  return seq % 3 === 0 ? 15 * 1024 * 1024 + seq : 100 + (seq % 50);
}
