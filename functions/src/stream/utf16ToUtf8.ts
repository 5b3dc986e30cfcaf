/** UTF-16 encodings `utf16ToUtf8` decodes. */
export type Utf16Encoding = 'utf-16le' | 'utf-16be';

/**
 * The encoding a byte order mark at the start of `head` names: `utf-16le` (FF FE), `utf-16be`
 * (FE FF), `utf-32le`/`utf-32be` (FF FE 00 00 / 00 00 FE FF, which are not decoded), else undefined.
 *
 * @example bomEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00])) // 'utf-16le'
 */
export function bomEncoding(head: Uint8Array): Utf16Encoding | 'utf-32le' | 'utf-32be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return head[2] === 0 && head[3] === 0 && head.length >= 4 ? 'utf-32le' : 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'utf-32be';
  return undefined;
}

/**
 * Re-encodes a UTF-16 byte stream as UTF-8, chunk by chunk, with a streaming `TextDecoder` (a
 * character or surrogate pair split across chunks is carried over; the BOM is dropped; unpaired
 * surrogates become U+FFFD). Memory: one input chunk and its UTF-8 (at most 1.5 × its size).
 *
 * @example for await (const bytes of utf16ToUtf8(decompressed, 'utf-16le')) lines.push(bytes);
 */
export async function* utf16ToUtf8(bytes: AsyncIterable<Uint8Array>, encoding: Utf16Encoding): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const last = decoder.decode();
  if (last.length > 0) yield Buffer.from(last, 'utf8');
}
