// marketfeed's own package.json, found by walking up from the module that asks: it sits two
// levels above a source module (runtime/cli/, cdk8s/api/) and three above the same module
// compiled into the published package (dist/runtime/cli/, dist/cdk8s/api/), and npm always
// packs it. Its name is checked so that an enclosing project's package.json is never taken.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'marketfeed';

export interface OwnPackageJson {
  name?: string;
  version?: string;
  config?: { image?: string };
}

/** The package.json of marketfeed above `directory` (the caller's import.meta.dirname). */
export function readOwnPackageJson(directory: string): OwnPackageJson {
  for (let current = directory; ; current = path.dirname(current)) {
    const file = path.join(current, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as OwnPackageJson;
      if (parsed.name === PACKAGE_NAME) return parsed;
    }
    if (path.dirname(current) === current) throw new Error(`no package.json of ${PACKAGE_NAME} above ${directory}`);
  }
}
