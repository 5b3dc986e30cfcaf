import { Byte } from './constants.js';

/**
 * Rewrites lone-CR line endings (classic Mac OS, some device logs) as LF, byte for byte, so the
 * line stage, which splits at LF, sees the same lines and every byte offset stays true. Meant for
 * a stream whose head has CR but no LF (the caller sniffs); copies each chunk once, holds nothing.
 *
 * @example const bytes = crOnly ? crLineEndings(rest) : rest;
 */
export async function* crLineEndings(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const out = Buffer.from(chunk);
    for (let i = out.indexOf(Byte.CR); i !== -1; i = out.indexOf(Byte.CR, i + 1)) out[i] = Byte.LF;
    yield out;
  }
}
