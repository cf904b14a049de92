// The real `cdk8s synth` (cdk8s-cli, reading cdk8s.yaml) writes exactly what the synth app
// builds: the namespace, the operator install and the example feed, one file each, in
// apply order. Run into a temporary directory with -o, so dist/ is left alone.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installApp } from '../../cdk8s/main.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-synth-'));
afterAll(() => fs.rmSync(output, { recursive: true, force: true }));

describe('npx cdk8s synth', () => {
  it('writes the namespace, the operator install and the example feed, as the synth app builds them', async () => {
    const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    await promisify(execFile)(process.execPath, [cli, 'synth', '-o', output], { cwd: root, maxBuffer: 1 << 24 });
    const files = fs.readdirSync(output).sort();
    expect(files).toEqual(['0000-namespace.k8s.yaml', '0001-marketfeed-operator.k8s.yaml', '0002-example-marketfeed.k8s.yaml']);
    const written = files.map((file): unknown[] => {
      const documents = parseAllDocuments(fs.readFileSync(path.join(output, file), 'utf8'));
      return Array.isArray(documents)
        ? documents.map((document) => {
            const value: unknown = document.toJSON();
            return value;
          })
        : [];
    });
    const built: unknown[][] = installApp().charts.map((chart) => chart.toJson() as unknown[]);
    expect(written).toEqual(built);
  }, 120_000);
});
