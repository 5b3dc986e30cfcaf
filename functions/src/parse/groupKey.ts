import { createHash } from 'node:crypto';
import { maskVariables } from './maskVariables.js';
import type { ErrorClass } from './types.js';

/**
 * The group of a message: its masked template (or the `template` a structured format built, such
 * as `502 GET /api/orders/{id} LambdaInvalidResponse`) and a stable 16-hex-digit id, the SHA-1 of
 * class and template. The same template gives the same id in every object and run, so groups can
 * be compared across summaries.
 *
 * @example groupKey('Timeout after 30s calling 10.0.0.7', 'level').template // 'Timeout after <*> calling <*>'
 */
export function groupKey(message: string, cls: ErrorClass, template?: string): { groupId: string; template: string } {
  const t = template ?? maskVariables(message);
  const groupId = createHash('sha1').update(cls).update('\u0000').update(t).digest('hex').slice(0, 16);
  return { groupId, template: t };
}
