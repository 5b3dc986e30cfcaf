import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonChunks } from '../../../functions/src/output/ndjsonChunks.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import { batch } from '../../../functions/src/stream/batch.js';
import { errorRecord } from '../../helpers/errorRecord.js';

async function* from(groups: ErrorRecord[][]): AsyncGenerator<ErrorRecord[]> {
  yield* groups;
}

async function collect(groups: ErrorRecord[][], maxItems: number, maxBytes: number): Promise<Array<{ text: string; records: number }>> {
  const out: Array<{ text: string; records: number }> = [];
  for await (const chunk of ndjsonChunks(from(groups), { maxItems, maxBytes })) out.push({ text: chunk.bytes.toString('utf8'), records: chunk.records });
  return out;
}

/** What the writers did before: one `JSON.stringify(record)\n` per record, cut by `batch()`. */
async function reference(groups: ErrorRecord[][], maxItems: number, maxBytes: number): Promise<Array<{ text: string; records: number }>> {
  async function* lines(): AsyncGenerator<string> {
    for (const group of groups) for (const record of group) yield `${JSON.stringify(record)}\n`;
  }
  const out: Array<{ text: string; records: number }> = [];
  for await (const group of batch(lines(), { maxItems, maxBytes, sizeOf: (l) => Buffer.byteLength(l) })) out.push({ text: group.join(''), records: group.length });
  return out;
}

describe('ndjsonChunks', () => {
  it('writes one JSON line per record, multi-byte characters whole', async () => {
    const records = [errorRecord(1, { message: 'Zoë — ü', raw: 'ERROR 😀 Zoë' }), errorRecord(2)];
    const chunks = await collect([records], 1_000, 1 << 20);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.records).toBe(2);
    expect(chunks[0]!.text).toBe(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('cuts at maxItems and maxBytes, and gives a record larger than maxBytes a chunk of its own', async () => {
    const big = errorRecord(2, { raw: 'x'.repeat(5_000) });
    const chunks = await collect([[errorRecord(1)], [big, errorRecord(3), errorRecord(4), errorRecord(5)]], 2, 1_000);
    expect(chunks.map((c) => c.records)).toEqual([1, 1, 2, 1]);
    expect(JSON.parse(chunks[1]!.text) as ErrorRecord).toEqual(big);
    for (const c of chunks) if (c.records > 1) expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(1_000);
  });

  it('yields nothing for no records', async () => {
    expect(await collect([[], []], 10, 100)).toEqual([]);
  });

  it('refuses bad bounds, naming them', async () => {
    await expect(collect([[errorRecord(1)]], 0, 100)).rejects.toThrow(/maxItems/);
    await expect(collect([[errorRecord(1)]], 1, 0)).rejects.toThrow(/maxBytes/);
  });

  it('makes the same bytes and the same cuts as batch() over per-record lines, whatever the sizes', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    const groups = fc.array(fc.array(fc.tuple(text, text), { maxLength: 8 }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(groups, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2_000 }), async (g, maxItems, maxBytes) => {
        let n = 0;
        const records = g.map((group) => group.map(([message, raw]) => errorRecord(++n, { message, raw })));
        expect(await collect(records, maxItems, maxBytes)).toEqual(await reference(records, maxItems, maxBytes));
      }),
      { numRuns: 200 },
    );
  });
});
