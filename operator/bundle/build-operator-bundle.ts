// `npm run build` step (after tsc): bundles operator/main.ts with everything it imports,
// node_modules included, into one ES module for Node 24, minified and tree-shaken. Node
// builtins stay imports; the CommonJS dependencies inside the bundle get a `require` made
// with createRequire, which ES modules lack. The bundle must sit two directories below the
// package root (dist/bundle/): the modules it inlines find package.json and the native addon
// by walking up from import.meta.url, as they do from cdk8s/api/ and runtime/native/.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const OPERATOR_ENTRY = path.join(ROOT, 'operator', 'main.ts');
export const OPERATOR_BUNDLE = path.join(ROOT, 'dist', 'bundle', 'marketfeed-operator.js');

const CLIENT_NODE_DIST = path.dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node')));
const SUBSET = path.join(ROOT, 'operator', 'bundle', 'client-node');
/** The undici client-node itself resolves (its own dependency). */
const UNDICI_DIR = path.dirname(createRequire(path.join(CLIENT_NODE_DIST, 'index.js')).resolve('undici/package.json'));
/**
 * What client-node imports from undici (`fetch` in its watch and HTTP library, `Agent` and
 * `ProxyAgent` in KubeConfig), from the modules that define them. undici's index is
 * CommonJS, which esbuild cannot tree-shake: it would bring undici's WebSocket,
 * EventSource, cache, cookies, mocks and interceptors, evaluated at start (the WebSocket
 * part makes Node load its own copy of undici too). Its `fetch` wraps this one only to add
 * the caller's frames to a failure's stack.
 */
const UNDICI_SUBSET = [
  "export { fetch } from './lib/web/fetch/index.js';",
  "export { default as Agent } from './lib/dispatcher/agent.js';",
  "export { default as ProxyAgent } from './lib/dispatcher/proxy-agent.js';",
].join('\n');

/**
 * Loads only the part of @kubernetes/client-node the operator uses (client-node/*.ts say
 * why each): the operator's imports of the package resolve to operator-imports.ts, and
 * inside the package, KubeConfig's import of the generated client's index, ListWatch's
 * import of the model serializer and every import of undici resolve to narrower modules.
 */
export const clientNodeSubset: Plugin = {
  name: 'client-node-subset',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}`) ? undefined : { path: path.join(SUBSET, 'operator-imports.ts') },
    );
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) => (args.importer === path.join(CLIENT_NODE_DIST, 'config.js') ? { path: path.join(SUBSET, 'config-generated-imports.ts') } : undefined));
    build.onResolve({ filter: /^undici$/ }, (args) => (args.importer.startsWith(CLIENT_NODE_DIST + path.sep) ? { path: 'undici', namespace: 'client-node-undici' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'client-node-undici' }, () => ({ contents: UNDICI_SUBSET, loader: 'js', resolveDir: UNDICI_DIR }));
    build.onResolve({ filter: /^\.\/serializer\.js$/ }, (args) => (args.importer === path.join(CLIENT_NODE_DIST, 'cache.js') ? { path: path.join(SUBSET, 'string-serializer.ts') } : undefined));
  },
};

const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Writes the bundle; returns esbuild's metafile (what each input contributed, in bytes). */
export async function buildOperatorBundle(outfile: string = OPERATOR_BUNDLE): Promise<Metafile> {
  const result = await build({
    entryPoints: [OPERATOR_ENTRY],
    outfile,
    bundle: true,
    minify: true,
    treeShaking: true,
    // Class names stay: logs and fatal lines name an error by its class (KubeConfigNotFoundError).
    keepNames: true,
    // License comments go to marketfeed-operator.js.LEGAL.txt: one of them (undici's) is not ASCII, which
    // would make V8 hold the whole 1.6 MB source as a two-byte string (1.6 MB more resident).
    legalComments: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: REQUIRE_SHIM },
    metafile: true,
    plugins: [clientNodeSubset],
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.main) {
  const metafile = await buildOperatorBundle();
  const output = metafile.outputs[path.relative(process.cwd(), OPERATOR_BUNDLE)] as Metafile['outputs'][string] | undefined;
  process.stdout.write(`${path.relative(process.cwd(), OPERATOR_BUNDLE)}${output === undefined ? '' : `: ${(output.bytes / 1024 / 1024).toFixed(1)} MB`}\n`);
}
