/** Builders for byte streams with controlled chunk boundaries, and a reference line splitter. */

/** Bytes of a string (UTF-8), or the bytes themselves. */
export function bytesOf(content: string | Uint8Array): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

/** Yields the given chunks in order, each as its own Uint8Array, awaiting a microtask between them. */
export async function* fromChunks(chunks: Iterable<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield bytesOf(chunk);
  }
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, out-of-range ones dropped). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  if (start < bytes.length || chunks.length === 0) chunks.push(bytes.subarray(start));
  return chunks;
}

/** Cuts `bytes` into chunks whose sizes cycle through `sizes` (each ≥ 1). */
export function chunkBySizes(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  if (sizes.length === 0 || sizes.some((s) => !(s >= 1))) throw new Error('sizes must be ≥ 1');
  const chunks: Uint8Array[] = [];
  let i = 0;
  for (let p = 0; p < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(bytes.subarray(p, p + size));
    p += size;
  }
  return chunks;
}

/** What a tracked source saw its consumer do. */
export interface SourceProbe {
  /** Chunks handed out. */
  pulled: number;
  /** Whether `return()` was called (the consumer stopped early, or cleaned up). */
  returned: boolean;
  /** Whether the source ran to its end. */
  exhausted: boolean;
}

/**
 * A source over `chunks` that records pulls and early returns, and optionally throws `error` when
 * asked for chunk number `failAt` (0-based), after handing out the ones before it.
 */
export function trackedSource(
  chunks: readonly (string | Uint8Array)[],
  options: { failAt?: number; error?: unknown } = {},
): { source: AsyncIterable<Uint8Array>; probe: SourceProbe } {
  const probe: SourceProbe = { pulled: 0, returned: false, exhausted: false };
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let index = 0;
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          await Promise.resolve();
          if (options.failAt !== undefined && index === options.failAt) throw options.error;
          if (index >= chunks.length) {
            probe.exhausted = true;
            return { value: undefined, done: true };
          }
          probe.pulled += 1;
          return { value: bytesOf(chunks[index++]!), done: false };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          probe.returned = true;
          index = chunks.length;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { source, probe };
}

/** Drains an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Line as the reference splitter describes it (same fields as the stage's Line). */
export interface ReferenceLine {
  text: string;
  number: number;
  offset: number;
  bytes: number;
  truncated: boolean;
}

/**
 * The obvious, whole-buffer line split the streaming splitter must agree with: strip a leading
 * BOM, cut at every LF, drop a CR right before an LF, no line after a final LF, decode each line
 * with TextDecoder (U+FFFD replacement). A line longer than `maxLineBytes` is cut at a character
 * boundary (`truncate`) or dropped (`skip`), but still takes a line number.
 */
export function referenceLines(
  content: Uint8Array,
  options: { maxLineBytes?: number; longLines?: 'truncate' | 'skip' } = {},
): { lines: ReferenceLine[]; invalidUtf8Lines: number; truncatedLines: number; skippedLines: number } {
  const max = options.maxLineBytes ?? 1024 * 1024;
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const bytes = Buffer.from(content);
  let pos = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const result = { lines: [] as ReferenceLine[], invalidUtf8Lines: 0, truncatedLines: 0, skippedLines: 0 };
  let number = 0;
  while (pos < bytes.length) {
    const lf = bytes.indexOf(0x0a, pos);
    const terminated = lf !== -1;
    let end = terminated ? lf : bytes.length;
    if (terminated && end > pos && bytes[end - 1] === 0x0d) end -= 1;
    number += 1;
    const length = end - pos;
    let keep = end;
    let truncated = false;
    if (length > max) {
      if (options.longLines === 'skip') {
        result.skippedLines += 1;
        pos = terminated ? lf + 1 : bytes.length;
        continue;
      }
      keep = pos + max;
      for (let k = 0; k < 3 && keep > pos && ((bytes[keep] ?? 0) & 0xc0) === 0x80; k++) keep -= 1;
      truncated = true;
      result.truncatedLines += 1;
    }
    const slice = bytes.subarray(pos, keep);
    try {
      strict.decode(slice);
    } catch {
      result.invalidUtf8Lines += 1;
    }
    result.lines.push({ text: decoder.decode(slice), number, offset: pos, bytes: length, truncated });
    pos = terminated ? lf + 1 : bytes.length;
  }
  return result;
}

/**
 * Deterministic text used by the committed zstd fixtures (test/fixtures/stream/): `count` lines
 * from a tiny LCG seeded with `seed`, some with multi-byte characters and some with ERROR.
 */
export function fixtureText(seed: number, count: number): string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const words = ['alpha', 'beta', 'gamma', 'délta', 'ε', 'request', 'user=42', '€9.99', 'timeout', 'ok'];
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const level = next() % 50 === 0 ? 'ERROR' : 'INFO';
    const n = 3 + (next() % 12);
    const parts: string[] = [];
    for (let w = 0; w < n; w++) parts.push(words[next() % words.length]!);
    out.push(`${String(i).padStart(6, '0')} ${level} ${parts.join(' ')} #${next().toString(16)}`);
  }
  return out.join('\n') + '\n';
}
