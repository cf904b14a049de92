// The operator process as one precompiled file: `npm run build` bundles this entry with
// esbuild (operator/bundle/build-operator-bundle.ts) into dist/bundle/marketfeed-operator.js,
// which the image and the published package run for `marketfeed operator`
// (runtime/cli/marketfeed-bin.js). Only the operator command is reachable from here, so the
// bundle holds only what it loads: one file, minified and tree-shaken, instead of ~1,000
// modules of @kubernetes/client-node, cdk8s and cdk8s-plus parsed one by one (README:
// Operator). In a checkout `npx marketfeed operator` runs the TypeScript sources unbundled.
import { runCliProcess } from '../runtime/cli/cli-main.ts';
import { operatorEntry } from '../runtime/cli/commands/operator-entry.ts';

await runCliProcess({ operator: operatorEntry });
