/** What a progress report says; counters are read from the live stage stats. */
export type ProgressReporter = (elapsedMs: number) => void;

/**
 * Passes a byte stream through unchanged, calling `report` at most once every `intervalMs`
 * (checked per chunk, so a 1 MiB chunk is the finest grain). Adds no buffering.
 *
 * @example for await (const chunk of withProgress(bytes, 5_000, (ms) => log.info('progress', { ms }))) …
 */
export async function* withProgress(
  source: AsyncIterable<Uint8Array>,
  intervalMs: number,
  report: ProgressReporter,
): AsyncGenerator<Uint8Array> {
  const started = Date.now();
  let next = started + intervalMs;
  for await (const chunk of source) {
    const now = Date.now();
    if (now >= next) {
      report(now - started);
      next = now + intervalMs;
    }
    yield chunk;
  }
}
