// The journal as a crash leaves it: a real process appending and writing, SIGKILLed while a
// multi-megabyte write is under way. Recovery must give back every entry the process had
// appended (its `done` lines), whole and in order, from the files (torn tail cut) and from
// the /dev/shm-style ring the dead process left.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listJournalFiles } from '../../runtime/journal/journal-file.ts';
import { recoverJournal } from '../../runtime/journal/journal-recovery.ts';
import { segmentPath } from '../../runtime/shm/segment-name.ts';
import { journalTempDir, testEntryProblem } from './journal-test-entries.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'journal-writer-child.ts');
const children: ReturnType<typeof spawn>[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function runChild(args: string[]) {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const done: number[] = [];
  let onDone: () => void = () => {};
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('done ')) done.push(Number(line.slice(5)));
    onDone();
  });
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
  const doneCount = (n: number) => new Promise<void>((resolve) => {
    onDone = () => done.length >= n && resolve();
    onDone();
  });
  return { child, done, exit, doneCount };
}

describe('audit journal after a kill -9', () => {
  it('loses no appended entry and cuts the torn tail, through repeated SIGKILLs mid-write', async () => {
    const dir = journalTempDir();
    const shm = journalTempDir();
    dirs.push(dir, shm);
    let next = 1;
    let tornTails = 0;
    let fromRing = 0;
    let rounds = 0;
    for (; rounds < 3 || (tornTails === 0 && rounds < 15); rounds++) {
      const run = runChild([dir, shm, 'journal', String(next), rounds % 2 === 0 ? 'never' : 'always']);
      await run.doneCount(2); // the first burst is written: the file exists
      const files = listJournalFiles(dir);
      const file = files[files.length - 1];
      const start = fs.statSync(file).size;
      while (fs.statSync(file).size < start + 1024 * 1024);
      run.child.kill('SIGKILL');
      expect(await run.exit).toBe('SIGKILL');
      const acknowledged = run.done[run.done.length - 1];
      const sequences: number[] = [];
      const bad: string[] = [];
      const recovered = recoverJournal(dir, {
        ring: { name: 'journal', directory: shm },
        onEntry: (entry) => {
          sequences.push(entry.sequence);
          const problem = testEntryProblem(entry);
          if (problem !== undefined && bad.length < 5) bad.push(problem);
        },
      });
      expect(bad).toEqual([]);
      expect(recovered.lastSequence).toBeGreaterThanOrEqual(acknowledged);
      expect(sequences.length).toBe(recovered.lastSequence);
      expect(sequences.every((s, i) => s === i + 1)).toBe(true);
      if (recovered.cutTail !== undefined) tornTails++;
      fromRing += recovered.fromRing;
      next = recovered.lastSequence + 1;
      fs.rmSync(segmentPath('journal', shm)); // the files hold it all now; the next run makes a fresh ring
    }
    expect(fromRing, 'entries recovered from the ring').toBeGreaterThan(0);
    // The kill lands inside a multi-megabyte write most of the time, not in fifteen rounds in a row never.
    expect(tornTails, `torn tails in ${rounds} rounds`).toBeGreaterThan(0);
  }, 120_000);
});
