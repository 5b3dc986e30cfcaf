/**
 * A copy of a string that shares no storage with the input. V8 makes a substring of 13 characters
 * or more a view of its parent, and the lines of the line stage are views of decoded regions of up
 * to 32 KiB: a message, timestamp or key kept beyond its batch keeps its whole region alive unless
 * it is copied. Use it for strings that outlive the batch (caches, groups, counters' keys).
 *
 * @example groupCache.set(detached(key), value);
 */
export function detached<T extends string | null>(text: T): T {
  return (text === null || text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8')) as T;
}
