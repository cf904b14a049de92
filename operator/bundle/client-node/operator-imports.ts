// What the bundled operator takes from @kubernetes/client-node, from the modules that define
// it. The package's index re-exports everything (every generated API and model, attach,
// exec, cp, port-forward with ws, tar-stream and socks), and the bundle would evaluate all of
// it at start. esbuild resolves the operator's `@kubernetes/client-node` imports here
// (build-operator-bundle.ts): a name the operator starts importing that is missing here
// fails the build, it is never undefined at run time.
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { ListWatch } from '@kubernetes/client-node/dist/cache.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
export { HttpMethod, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
export { IsomorphicFetchHttpLibrary } from '@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js';
