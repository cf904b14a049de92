#!/usr/bin/env node
// The `marketfeed` command. The published package and the image run compiled JavaScript
// (built by `npm run build`, which `npm pack` runs first): Node strips no types under
// node_modules. `marketfeed operator` there runs the operator's bundle, one precompiled file
// (dist/bundle/, operator/main.ts) that needs far less memory than the ~1,000 modules it
// holds loaded one by one; every other command runs dist/runtime/cli/marketfeed.js.
// A checkout of the repository has the TypeScript sources beside this file and runs them,
// so `npx marketfeed` there runs the code as it is, with no build step.
// Plain JavaScript, at package.json's `bin` and the image's ENTRYPOINT, so that it runs under node_modules too.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const source = new URL('./marketfeed.ts', import.meta.url);
if (existsSync(source)) await import(source.href);
else if (process.argv[2] === 'operator') await import('../../dist/bundle/marketfeed-operator.js');
else await import('../../dist/runtime/cli/marketfeed.js');
