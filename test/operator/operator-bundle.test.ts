// The operator's bundled entry (operator/main.ts through esbuild, what `npm run build` writes
// to dist/bundle/ and the image and the published package run for `marketfeed operator`):
// it builds into one self-contained ES module, answers `operator --help` exactly as the
// TypeScript CLI does, and as a process reconciles a feed against the test API server and
// stops cleanly on SIGTERM. Built into a temporary package laid out as the image is
// (package.json, build/Release/ with the addon, dist/bundle/) and without node_modules: what
// runs there needs nothing but the bundle. Its own directory, so that a concurrent
// `npm run build` cannot pull it away. The bundle holds only the part of
// @kubernetes/client-node the operator uses (operator/bundle/client-node/), so the test API
// server here checks a bearer token: the operator authenticates with a token in its
// kubeconfig and with a token file, the form of the in-cluster ServiceAccount kubeconfig.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { buildOperatorBundle } from '../../operator/bundle/build-operator-bundle.ts';
import { killLeftoverProcesses, runCli, runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-operator-bundle-'));
const bundle = path.join(directory, 'dist', 'bundle', 'marketfeed-operator.js');
const addon = path.join('build', 'Release', 'marketfeed_native.node');
const TOKEN = 'bundle-test-service-account-token';
let harness: OperatorHarness;
let metafile: Metafile;

beforeAll(async () => {
  fs.copyFileSync(path.join(root, 'package.json'), path.join(directory, 'package.json'));
  fs.mkdirSync(path.dirname(path.join(directory, addon)), { recursive: true });
  fs.copyFileSync(path.join(root, addon), path.join(directory, addon));
  metafile = await buildOperatorBundle(bundle);
  harness = await OperatorHarness.start({ requireToken: TOKEN });
}, 120_000);

afterEach(async () => {
  await killLeftoverProcesses();
});

afterAll(async () => {
  await harness.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('the operator bundle', () => {
  it('is one minified ES module whose imports are Node builtins only, in ASCII', () => {
    expect(fs.readdirSync(path.dirname(bundle)).sort()).toEqual(['marketfeed-operator.js', 'marketfeed-operator.js.LEGAL.txt']);
    const code = fs.readFileSync(bundle, 'utf8');
    // ASCII only (license comments in LEGAL.txt): V8 then keeps the source as a one-byte string, half the memory of a two-byte one.
    expect([...code].filter((char) => char.charCodeAt(0) > 0x7f)).toEqual([]);
    expect(fs.readFileSync(`${bundle}.LEGAL.txt`, 'utf8')).toContain('MIT');
    // esbuild hoists every static import to the top of the bundle: statements, not strings in code.
    const statement = /(?:^|[;\n])import\s*(?:[\w$]+|\{[^}]*\}|\*\s*as\s*[\w$]+)(?:\s*,\s*(?:\{[^}]*\}|\*\s*as\s*[\w$]+))?\s*from\s*"([^"]+)"/g;
    const imported = [...code.matchAll(statement)].map((match) => match[1]);
    expect(imported).toContain('node:fs');
    for (const specifier of imported) expect(builtinModules, specifier).toContain(specifier.replace(/^node:/, ''));
    // Minified: a few long lines, not one statement a line.
    expect(code.split('\n').length).toBeLessThan(1000);
  });

  it('holds only the modules of @kubernetes/client-node (and of its undici) the operator uses: no generated models or APIs, no attach/exec/cp/port-forward', () => {
    const inputs = Object.keys(metafile.inputs);
    const clientNode = inputs.filter((input) => input.includes('node_modules/@kubernetes/client-node/'));
    expect(clientNode.map((input) => input.replace(/^.*client-node\/dist\//, ''))).toEqual(expect.arrayContaining(['config.js', 'cache.js', 'watch.js', 'gen/http/http.js', 'gen/http/isomorphic-fetch.js']));
    expect(clientNode.filter((input) => /\/gen\/(models|apis|types)\//.test(input))).toEqual([]);
    expect(clientNode.filter((input) => /\/dist\/(index|api|serializer|attach|exec|cp|portforward|log|metrics|top)\.js$/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/(ws|tar-stream)\//.test(input))).toEqual([]);
    // Of undici, what client-node uses: fetch and its dispatchers, not WebSocket, EventSource, the cache or the mocks.
    expect(inputs.filter((input) => input.includes('node_modules/undici/')).map((input) => input.replace(/^.*node_modules\/undici\//, ''))).toEqual(
      expect.arrayContaining(['lib/web/fetch/index.js', 'lib/dispatcher/agent.js', 'lib/dispatcher/proxy-agent.js']),
    );
    expect(inputs.filter((input) => /node_modules\/undici\/(index\.js|lib\/(web\/(websocket|eventsource|cache|cookies)|mock)\/)/.test(input))).toEqual([]);
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

  it('refuses requests without the token here (the server really checks it)', async () => {
    expect((await fetch(`${harness.server.url}/api/v1/namespaces`)).status).toBe(401);
  });

  it('authenticates with a token file, as the in-cluster ServiceAccount kubeconfig does, and reconciles a feed', async () => {
    const tokenFile = path.join(directory, 'token');
    fs.writeFileSync(tokenFile, TOKEN);
    // What client-node's loadFromCluster() builds from the pod's ServiceAccount mount: a user whose token is read from a file.
    const kubeconfig = path.join(directory, 'kubeconfig-token-file');
    const config = harness.server.kubeConfig();
    config.loadFromOptions({
      clusters: config.clusters,
      users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
      contexts: [{ name: 'in-cluster', cluster: 'test', user: 'service-account', namespace: NAMESPACE }],
      currentContext: 'in-cluster',
    });
    fs.writeFileSync(kubeconfig, config.exportConfig());
    expect(fs.readFileSync(kubeconfig, 'utf8')).not.toContain(TOKEN);
    const run = runCli(['operator', '--kubeconfig', kubeconfig, '--metrics-port', '0', '--log-format', 'json'], {}, { script: bundle });
    harness.createFeed('token-file');
    await waitFor(() => harness.ownedObjects('token-file').size === 5, { what: 'the objects of the feed', timeoutMs: 30_000 });
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
  });

  it('reconciles a feed against the test API server (a token in the kubeconfig) and stops cleanly on SIGTERM', async () => {
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
