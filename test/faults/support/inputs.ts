import { randomBytes } from 'node:crypto';

/** A generated input and what a faithful run must find in it. */
export interface GeneratedInput {
  body: Buffer;
  lines: number;
  /** Lines the text parser classes as errors (each becomes one record). */
  errorLines: number;
}

/**
 * A text log whose every `errorEvery`-th line is an ERROR carrying `payloadBytes` of random base64,
 * so its error records do not compress: 4,000 records of 4 KiB make an error part of several
 * multipart parts (lib-storage's 8 MiB each).
 */
export function incompressibleErrorLog(lines: number, errorEvery: number, payloadBytes: number): GeneratedInput {
  const parts: string[] = [];
  let errorLines = 0;
  const start = Date.UTC(2026, 10, 26, 9, 0, 0);
  for (let i = 1; i <= lines; i++) {
    const ts = new Date(start + i * 7).toISOString();
    if (i % errorEvery === 0) {
      errorLines++;
      parts.push(`${ts} ERROR [uploads] chunk ${i} rejected payload=${randomBytes((payloadBytes * 3) / 4).toString('base64')}`);
    } else {
      parts.push(`${ts} INFO  [uploads] chunk ${i} accepted`);
    }
  }
  return { body: Buffer.from(`${parts.join('\n')}\n`), lines, errorLines };
}

/** Deterministic pseudo-random bytes (xorshift32), so a junk input is the same on every run. */
export function junkBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Lines a LF splitter makes of `bytes`: one per LF, plus a last one without terminator. */
export function countLfLines(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? n + 1 : n;
}
