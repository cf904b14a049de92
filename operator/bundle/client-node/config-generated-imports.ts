// In the operator bundle, what client-node's KubeConfig (dist/config.js) imports from its
// generated client's index (dist/gen/index.js), taken from the modules that define it: the
// index also re-exports every generated API and ~800 model classes, evaluated at load and
// never used by the operator, which sends its requests itself (operator/kube/kube-client.ts).
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
