import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfraError } from './errors.js';

/**
 * The directory of the logsieve package this module belongs to: the repository root in a clone
 * (infra/lib/), or node_modules/logsieve when installed (dist/infra/lib/). Found by walking up to
 * the package.json named "logsieve", at most 6 levels.
 *
 * @example path.join(packageRoot(), 'dist/function') // the pre-built function bundle
 */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'logsieve') return dir;
    dir = path.dirname(dir);
  }
  throw new InfraError(`no package.json named "logsieve" above ${from}: the construct cannot find its function`);
}
