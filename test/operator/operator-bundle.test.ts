// The operator's bundled entry (operator/main.ts through esbuild, what `npm run build` writes
// to dist/bundle/ and the image and the published package run for `marketfeed operator`):
// it builds into one self-contained ES module, answers `operator --help` exactly as the
// TypeScript CLI does, and as a process reconciles a feed against the test API server and
// stops cleanly on SIGTERM. Built into a temporary package laid out as the image is
// (package.json, build/Release/ with the addon, dist/bundle/) and without node_modules: what
// runs there needs nothing but the bundle. Its own directory, so that a concurrent
// `npm run build` cannot pull it away.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOperatorBundle } from '../../operator/bundle/build-operator-bundle.ts';
import { killLeftoverProcesses, runCli, runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-operator-bundle-'));
const bundle = path.join(directory, 'dist', 'bundle', 'marketfeed-operator.js');
const addon = path.join('build', 'Release', 'marketfeed_native.node');
let harness: OperatorHarness;

beforeAll(async () => {
  fs.copyFileSync(path.join(root, 'package.json'), path.join(directory, 'package.json'));
  fs.mkdirSync(path.dirname(path.join(directory, addon)), { recursive: true });
  fs.copyFileSync(path.join(root, addon), path.join(directory, addon));
  await buildOperatorBundle(bundle);
  harness = await OperatorHarness.start();
}, 120_000);

afterEach(async () => {
  await killLeftoverProcesses();
});

afterAll(async () => {
  await harness.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('the operator bundle', () => {
  it('is one minified ES module whose imports are Node builtins only', () => {
    expect(fs.readdirSync(path.dirname(bundle))).toEqual(['marketfeed-operator.js']);
    const code = fs.readFileSync(bundle, 'utf8');
    // esbuild hoists every static import to the top of the bundle: statements, not strings in code.
    const statement = /(?:^|[;\n])import\s*(?:[\w$]+|\{[^}]*\}|\*\s*as\s*[\w$]+)(?:\s*,\s*(?:\{[^}]*\}|\*\s*as\s*[\w$]+))?\s*from\s*"([^"]+)"/g;
    const imported = [...code.matchAll(statement)].map((match) => match[1]);
    expect(imported).toContain('node:fs');
    for (const specifier of imported) expect(builtinModules, specifier).toContain(specifier.replace(/^node:/, ''));
    // Minified: a few long lines, not one statement a line.
    expect(code.split('\n').length).toBeLessThan(1000);
  });

  it('answers `operator --help` exactly as the TypeScript CLI does', async () => {
    const [bundled, unbundled] = await Promise.all([runCliToEnd(['operator', '--help'], {}, { script: bundle }), runCliToEnd(['operator', '--help'])]);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout.join('\n')).toContain('Usage: npx marketfeed operator [options]');
    expect(bundled.stdout).toEqual(unbundled.stdout);
  });

  it('names a failure by its error class, as the TypeScript CLI does (class names survive minifying)', async () => {
    const run = await runCliToEnd(['operator', '--kubeconfig', path.join(directory, 'missing-kubeconfig'), '--log-format', 'json'], {}, { script: bundle });
    expect(run.code).toBe(1);
    expect(run.logs.find((log) => log.level === 60)?.err).toMatchObject({ type: 'KubeConfigNotFoundError' });
  });

  it('reconciles a feed against the test API server and stops cleanly on SIGTERM', async () => {
    const kubeconfig = path.join(directory, 'kubeconfig');
    fs.writeFileSync(kubeconfig, harness.server.kubeConfig().exportConfig());
    const port = await freePort();
    const run = runCli(['operator', '--kubeconfig', kubeconfig, '--metrics-port', String(port), '--log-format', 'json'], {}, { script: bundle });
    await run.waitForLog('operator starting', 30_000);
    harness.createFeed('bundled');
    await waitFor(() => harness.ownedObjects('bundled').size === 5, { what: 'the objects of the feed', timeoutMs: 30_000 });
    harness.markReady('bundled');
    await harness.waitForCondition('bundled', 'Ready', 'True');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^marketfeed_operator_api_writes_total\{verb="apply",kind="Deployment"\} [1-9]/m);
    expect(harness.feed('bundled')?.metadata.namespace).toBe(NAMESPACE);

    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(run.logs.some((log) => log.msg === 'operator stopped')).toBe(true);
  });
});
