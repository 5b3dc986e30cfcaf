import { setImmediate as nextTurn } from 'node:timers/promises';

/** What {@link readyThisTurn} gives for a read that has not settled by the next event-loop turn. */
export const NOT_READY: unique symbol = Symbol('not ready');

/**
 * `pending`'s value when it settles by the next event-loop turn (after this turn's I/O callbacks),
 * else `NOT_READY`; the read itself goes on, for the caller to await later. How `coalesce` and the
 * streamed gunzip join only the chunks already there, without waiting on a slow source.
 *
 * @example
 * const ready = await readyThisTurn(iterator.next());
 * if (ready === NOT_READY) handOnWhatIsHeld();
 */
export function readyThisTurn<T>(pending: Promise<T>): Promise<T | typeof NOT_READY> {
  return Promise.race([pending, nextTurn().then((): typeof NOT_READY => NOT_READY)]);
}
