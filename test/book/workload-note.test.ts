// The book bench's workload note (bench/book/workload-note.ts) names the directory the LOBSTER
// sample was actually read from, as the data resolver found it, not a fixed ../shared/data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOBSTER_MESSAGES, LOBSTER_ORDERBOOK, loadLobsterWorkload } from '../../bench/book/lobster-workload.ts';
import { workloadNote } from '../../bench/book/workload-note.ts';
import { DOCUMENTED_DATA_DIR, dataPath } from '../helpers/shared-data.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-workload-note-'));
afterEach(() => vi.unstubAllEnvs());

describe('book bench workload note', () => {
  it('names where the LOBSTER sample came from: here a MARKETFEED_DATA_DIR holding a copy', () => {
    for (const relative of [LOBSTER_MESSAGES, LOBSTER_ORDERBOOK]) {
      fs.mkdirSync(path.join(scratch, path.dirname(relative)), { recursive: true });
      fs.copyFileSync(dataPath(relative), path.join(scratch, relative));
    }
    vi.stubEnv('MARKETFEED_DATA_DIR', scratch);
    try {
      const note = workloadNote(loadLobsterWorkload());
      expect(note).toContain(`the sample in ${path.join(scratch, 'lobster')}, from MARKETFEED_DATA_DIR`);
      expect(note).not.toContain(DOCUMENTED_DATA_DIR);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('names the resolver’s own choice when nothing overrides it', () => {
    const note = workloadNote(loadLobsterWorkload());
    expect(note).toContain(`the sample in ${path.dirname(dataPath(LOBSTER_MESSAGES))}, from `);
  });
});
