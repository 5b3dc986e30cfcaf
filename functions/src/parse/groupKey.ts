import { maskVariables } from './maskVariables.js';
import type { ErrorClass } from './types.js';

/**
 * The group of a message: its masked template (or the `template` a structured format built, such
 * as `502 GET /orders/{id} LambdaInvalidResponse`) and a stable 16-hex-digit id, a 64-bit hash of
 * class and template. The same template gives the same id in every object and run, so groups can
 * be compared across summaries.
 *
 * @example groupKey('Timeout after 30s calling 10.0.0.7', 'level').template // 'Timeout after <*> calling <*>'
 */
export function groupKey(message: string, cls: ErrorClass, template?: string): { groupId: string; template: string } {
  const t = template ?? maskVariables(message);
  return { groupId: hash64(`${cls}\u0000${t}`), template: t };
}

/**
 * 64-bit hash as 16 hex digits: two 32-bit multiply-xorshift lanes over the UTF-16 code units
 * (cyrb53's mixing, widened). Not cryptographic; a few hundred ns instead of a SHA-1 call, and
 * collisions among the ≤ 5 000 groups of an object are out of reach (p ≈ 7e-13).
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
