import { describe, expect, it } from 'vitest';
import { crLineEndings } from '../../../functions/src/stream/crLineEndings.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p, 'utf8');
}

describe('crLineEndings', () => {
  it('turns lone-CR lines into the lines the LF splitter would give, offsets unchanged', async () => {
    const out: Array<{ text: string; offset: number }> = [];
    for await (const batch of lineBatches(crLineEndings(chunks('one\rtw', 'o\r', '\rthrée\rlast')))) {
      for (const line of batch) out.push({ text: line.text, offset: line.offset });
    }
    expect(out).toEqual([
      { text: 'one', offset: 0 },
      { text: 'two', offset: 4 },
      { text: '', offset: 8 },
      { text: 'thrée', offset: 9 },
      { text: 'last', offset: 16 },
    ]);
  });

  it('does not modify the chunks it is given', async () => {
    const input = Buffer.from('a\rb');
    for await (const _ of crLineEndings((async function* () { yield input; })())) {
      // drain
    }
    expect(input.toString()).toBe('a\rb');
  });
});
