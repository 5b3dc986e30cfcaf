import { ROLLUP_DEFAULTS } from './constants.js';

/**
 * The source prefix of an object key: its first `depth` path segments (default 1), the unit of the
 * per-source rollups; `(root)` for a key with no more segments than that.
 *
 * @example sourcePrefix('alb/2026/11/26/node-1.log.gz') // 'alb'
 */
export function sourcePrefix(key: string, depth: number = ROLLUP_DEFAULTS.sourceDepth): string {
  const segments = key.split('/').filter((s) => s !== '');
  return segments.length > depth ? segments.slice(0, depth).join('/') : '(root)';
}
