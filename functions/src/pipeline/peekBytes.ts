/**
 * Reads the first chunks of a byte stream until at least `minBytes` (or the end) and returns them
 * joined as `head`, with `rest` replaying the same bytes from the start. Holds at most `minBytes`
 * plus one chunk. Breaking out of `rest` returns the source. When the source fails before
 * `minBytes` (a cut gzip stream), `head` is what came before the failure and `rest` replays it,
 * then throws the error: the bytes before the damage are still read.
 *
 * @example const { head, rest } = await peekBytes(decompressed, 64 * 1024);
 */
export async function peekBytes(
  source: AsyncIterable<Uint8Array>,
  minBytes: number,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  while (size < minBytes) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      failure = { error };
      break;
    }
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) yield chunk;
      chunks.length = 0;
      if (failure !== undefined) throw failure.error;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      if (!done && failure === undefined) await iterator.return?.();
    }
  }
  return { head, rest: replay() };
}
