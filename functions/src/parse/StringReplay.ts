/** What {@link replayJsonString} found: the string, the first damage in it, or that it goes on past the bytes given. */
export type ReplayedString =
  | { kind: 'string'; value: string; close: number }
  | { kind: 'badByte'; at: number }
  | { kind: 'badUtf8' }
  | { kind: 'more' };

/** Bytes a string gathers before they are decoded, as the tokenizer this replaces did (64 KiB). */
const GATHER_BYTES = 64 * 1024;
const ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
const MORE = -1;
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

  /** Copies the held bytes: the slice they point into is reused once the scanner moves on. */
  keep(): void {
    if (this.parts.length > 0) this.parts = [Uint8Array.from(Buffer.concat(this.parts))];
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
 * (`badByte`, `at` its absolute offset), invalid UTF-8 when the gathered bytes are decoded (`badUtf8`;
 * a bad lead byte swallows the bytes it claims, quotes included, as the tokenizer's did), or `more`
 * when the string goes on past the bytes given; `feed` again with more. Used for strings the fast
 * path (`JSON.parse` of validated UTF-8) refused, and for strings cut by the end of a slice, so that
 * their damage is found in the same slice as before. Holds at most 64 KiB of undecoded bytes.
 *
 * @example new StringReplay(1).feed(Buffer.from('"a\\x"'), 0) // { kind: 'badByte', at: 3 }
 */
export class StringReplay {
  private readonly out = new Gathered();
  private high: number | undefined;

  /** `at`: absolute offset of the byte after the opening quote. */
  constructor(private at: number) {}

  /** Absolute offset of the first byte not read yet: the bytes before it are no longer needed. */
  get resume(): number {
    return this.at;
  }

  /** Reads on from where it stopped; `base` is the absolute offset of `bytes[0]`. */
  feed(bytes: Uint8Array, base: number): ReplayedString {
    const end = bytes.length;
    let i = this.at - base;
    while (i < end && !this.out.bad) {
      const n = bytes[i]!;
      if (n === 0x22) {
        this.flushHigh();
        this.out.flush();
        return this.out.bad ? { kind: 'badUtf8' } : { kind: 'string', value: this.out.text, close: base + i };
      }
      let next: number;
      if (n === 0x5c) next = this.escape(bytes, i);
      else if (n >= 0x80) next = this.multiByte(bytes, i);
      else if (n >= 0x20) next = this.ascii(bytes, i);
      else return { kind: 'badByte', at: base + i };
      if (next === MORE) break;
      if (next < 0) return { kind: 'badByte', at: base - next - 2 };
      i = next;
    }
    if (this.out.bad) return { kind: 'badUtf8' };
    this.at = base + i;
    this.out.keep();
    return { kind: 'more' };
  }

  private flushHigh(): void {
    if (this.high !== undefined) this.out.unit(this.high);
    this.high = undefined;
  }

  private ascii(bytes: Uint8Array, i: number): number {
    this.flushHigh();
    let j = i;
    while (j < bytes.length && bytes[j]! >= 0x20 && bytes[j]! < 0x80 && bytes[j] !== 0x22 && bytes[j] !== 0x5c) j++;
    // Short runs went in byte by byte, long ones at once: it decides when the gathered bytes are decoded.
    if (j - i >= 16) this.out.add(bytes.subarray(i, j));
    else for (let k = i; k < j; k++) this.out.add(bytes.subarray(k, k + 1));
    return j;
  }

  private multiByte(bytes: Uint8Array, i: number): number {
    this.flushHigh();
    // A lead byte claims its length whatever follows: the tokenizer's quirk on invalid UTF-8.
    let j = i;
    while (j < bytes.length && bytes[j]! >= 0x80 && j + claimed(bytes[j]!) <= bytes.length) j += claimed(bytes[j]!);
    if (j > i) this.out.add(bytes.subarray(i, j));
    // A character cut by the end of the bytes: read again from its lead byte once more come.
    return j < bytes.length && bytes[j]! >= 0x80 && j === i ? MORE : j;
  }

  /** One escape at `bytes[i]` (a backslash): the index after it, `MORE`, or `-(bad index) - 2`. */
  private escape(bytes: Uint8Array, i: number): number {
    if (i + 1 >= bytes.length) return MORE;
    const e = bytes[i + 1]!;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      this.flushHigh();
      this.out.add(Uint8Array.of(simple));
      return i + 2;
    }
    if (e !== 0x75) return -(i + 1) - 2;
    for (let k = i + 2; k < i + 6; k++) {
      if (k >= bytes.length) return MORE;
      if (!isHex(bytes[k]!)) return -k - 2;
    }
    this.unicodeUnit(parseInt(Buffer.from(bytes.subarray(i + 2, i + 6)).toString('latin1'), 16));
    return i + 6;
  }

  /** A `\uXXXX` unit: pairs combine, lone surrogates stay raw code units (as JSON.parse keeps them). */
  private unicodeUnit(unit: number): void {
    if (this.high !== undefined) {
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        this.out.add(encoder.encode(String.fromCharCode(this.high, unit)));
        this.high = undefined;
        return;
      }
      this.flushHigh();
    }
    if (unit >= 0xd800 && unit <= 0xdbff) this.high = unit;
    else if (unit >= 0xdc00 && unit <= 0xdfff) this.out.unit(unit);
    else this.out.add(encoder.encode(String.fromCharCode(unit)));
  }
}
