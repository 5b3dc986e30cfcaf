/** What {@link replayJsonString} found: the string, the first damage in it, or that it goes on past the bytes given. */
export type ReplayedString =
  | { kind: 'string'; value: string; close: number }
  | { kind: 'badByte'; at: number }
  | { kind: 'badUtf8' }
  | { kind: 'more' };

/** Bytes a string gathers before they are decoded, as the tokenizer this replaces did (64 KiB). */
const GATHER_BYTES = 64 * 1024;
const ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Byte length of the UTF-8 character a lead byte claims (continuation and invalid bytes claim 3 or 4). */
function claimed(lead: number): number {
  return lead >= 0xc2 && lead <= 0xdf ? 2 : lead <= 0xef ? 3 : 4;
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** The tokenizer's string buffer: bytes gathered, decoded (fatally) when it fills or a raw code unit is added. */
class Gathered {
  text = '';
  bad = false;
  private parts: Uint8Array[] = [];
  private held = 0;

  flush(): void {
    if (this.held === 0 || this.bad) return;
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    try {
      this.text += decoder.decode(bytes);
    } catch {
      this.bad = true;
    }
    this.parts = [];
    this.held = 0;
  }

  add(bytes: Uint8Array): void {
    if (this.held + bytes.byteLength > GATHER_BYTES) this.flush();
    if (bytes.byteLength > GATHER_BYTES) {
      this.parts = [bytes];
      this.held = bytes.byteLength;
      this.flush();
      return;
    }
    this.parts.push(bytes);
    this.held += bytes.byteLength;
  }

  unit(code: number): void {
    this.flush();
    this.text += String.fromCharCode(code);
  }
}

/**
 * The slow path of the envelope scanner: reads one JSON string exactly as the byte-by-byte tokenizer
 * it replaced did (@streamparser/json 0.0.26 with a 64 KiB string buffer), so that damaged input
 * fails at the same place and in the same way: a control character or bad escape at its byte
 * (`badByte`, `at` an index into `bytes`), invalid UTF-8 when the gathered bytes are decoded (`badUtf8`;
 * a bad lead byte swallows the bytes it claims, quotes included, as the tokenizer's did), or `more`
 * when the string goes on past `end`. `from` is the index after the opening quote. Only called when
 * the fast path (`JSON.parse` of validated UTF-8) refused the string, so it may be slow.
 *
 * @example replayJsonString(Buffer.from('"a\\x"'), 1, 6) // { kind: 'badByte', at: 3 }
 */
export function replayJsonString(bytes: Uint8Array, from: number, end: number): ReplayedString {
  const out = new Gathered();
  let high: number | undefined;
  const flushHigh = (): void => {
    if (high !== undefined) out.unit(high);
    high = undefined;
  };
  let i = from;
  while (i < end && !out.bad) {
    const n = bytes[i]!;
    if (n === 0x22) {
      flushHigh();
      out.flush();
      return out.bad ? { kind: 'badUtf8' } : { kind: 'string', value: out.text, close: i };
    }
    if (n === 0x5c) {
      const escaped = replayEscape(bytes, i, end, out, high, flushHigh);
      if (typeof escaped !== 'object') return escaped === -1 ? { kind: 'more' } : { kind: 'badByte', at: escaped };
      ({ next: i, high } = escaped);
    } else if (n >= 0x80) {
      flushHigh();
      // A lead byte claims its length whatever follows: the tokenizer's quirk on invalid UTF-8.
      let j = i;
      while (j < end && bytes[j]! >= 0x80 && j + claimed(bytes[j]!) <= end) j += claimed(bytes[j]!);
      if (j > i) out.add(bytes.subarray(i, j));
      if (j < end && bytes[j]! >= 0x80) return { kind: 'more' };
      i = j;
    } else if (n >= 0x20) {
      flushHigh();
      let j = i;
      while (j < end && bytes[j]! >= 0x20 && bytes[j]! < 0x80 && bytes[j] !== 0x22 && bytes[j] !== 0x5c) j++;
      // Short runs went in byte by byte, long ones at once: it decides when the gathered bytes are decoded.
      if (j - i >= 16) out.add(bytes.subarray(i, j));
      else for (let k = i; k < j; k++) out.add(bytes.subarray(k, k + 1));
      i = j;
    } else {
      return { kind: 'badByte', at: i };
    }
  }
  return out.bad ? { kind: 'badUtf8' } : { kind: 'more' };
}

/** One escape at `bytes[i]` (a backslash): the index after it and the pending high surrogate, `at` of a bad byte, or -1 for more. */
function replayEscape(
  bytes: Uint8Array, i: number, end: number, out: Gathered, high: number | undefined, flushHigh: () => void,
): { next: number; high: number | undefined } | number {
  if (i + 1 >= end) return -1;
  const e = bytes[i + 1]!;
  const simple = ESCAPES[e];
  if (simple !== undefined) {
    flushHigh();
    out.add(Uint8Array.of(simple));
    return { next: i + 2, high: undefined };
  }
  if (e !== 0x75) return i + 1;
  for (let k = i + 2; k < i + 6; k++) {
    if (k >= end) return -1;
    if (!isHex(bytes[k]!)) return k;
  }
  const unit = parseInt(Buffer.from(bytes.subarray(i + 2, i + 6)).toString('latin1'), 16);
  let pending = high;
  if (pending !== undefined) {
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      out.add(encoder.encode(String.fromCharCode(pending, unit)));
      return { next: i + 6, high: undefined };
    }
    out.unit(pending);
    pending = undefined;
  }
  if (unit >= 0xd800 && unit <= 0xdbff) return { next: i + 6, high: unit };
  if (unit >= 0xdc00 && unit <= 0xdfff) out.unit(unit);
  else out.add(encoder.encode(String.fromCharCode(unit)));
  return { next: i + 6, high: undefined };
}
