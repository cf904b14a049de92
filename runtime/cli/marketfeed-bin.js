#!/usr/bin/env node
// The `marketfeed` command. The published package runs the compiled CLI in dist/ (built by
// `npm run build`, which `npm pack` runs first): Node strips no types under node_modules.
// A checkout of the repository has the TypeScript sources beside this file and runs them,
// so `npx marketfeed` there runs the code as it is, with no build step.
// Plain JavaScript, at package.json's `bin`, so that it runs under node_modules too.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('./marketfeed.ts', import.meta.url);
await import(existsSync(source) ? source.href : '../../dist/runtime/cli/marketfeed.js');
