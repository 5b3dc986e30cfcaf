import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import { analyzeBytes } from '../../../functions/src/pipeline/analyzeBytes.js';
import { fromChunks } from '../../helpers/streams.js';

const lines = Array.from({ length: 20_000 }, (_, i) =>
  i % 7 === 3 ? `2026-11-26T00:00:${String(i % 60).padStart(2, '0')}.000Z ERROR [svc] request ${i} failed` : `2026-11-26T00:00:00.000Z INFO  [svc] request ${i} ok`);
const gz = gzipSync(`${lines.join('\n')}\n`);

/**
 * Yields the first `upTo` bytes of `bytes` in 4 KiB chunks, then never answers again (a stalled
 * body), calling `onStall` when the first unanswered read comes.
 */
function stallsAfter(bytes: Buffer, upTo: number, onStall: () => void): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let at = 0;
      return {
        next: () => {
          if (at >= upTo) {
            onStall();
            return new Promise<never>(() => {});
          }
          const chunk = bytes.subarray(at, Math.min(upTo, at + 4096));
          at += chunk.length;
          return Promise.resolve({ done: false as const, value: chunk });
        },
        return: async () => ({ done: true as const, value: undefined }),
      };
    },
  };
}

describe('analyzeBytes with stopReading', () => {
  it('a stalled gzip body stopped by the signal: the whole lines before it are analysed and their records written', async () => {
    const written: ErrorRecord[] = [];
    const controller = new AbortController();
    const stall = (): void => void setTimeout(() => controller.abort(new Error("the invocation's deadline")), 20);
    const analysis = await analyzeBytes(stallsAfter(gz, Math.floor(gz.length / 2), stall), {
      source: { bucket: 'logs', key: 'app.log.gz' },
      config: { rules: parseRules({}), maxLineBytes: 1 << 20, longLines: 'truncate' },
      stopReading: controller.signal,
      writeRecords: async (found) => {
        for await (const batch of found) written.push(...batch);
        return undefined;
      },
    });
    const read = analysis.lineStats.lines;
    expect(analysis.stopped).toBe(true);
    expect(analysis.failure).toBe(`Reading stopped after ${Math.floor(gz.length / 2)} bytes: the invocation's deadline; ${read} lines read before it`);
    expect(read).toBeGreaterThan(1_000);
    expect(read).toBeLessThan(lines.length);
    // Exactly the errors among the lines read: none lost, none made up from a cut line.
    expect(written.map((r) => r.firstLine)).toEqual(lines.slice(0, read).flatMap((l, i) => (l.includes(' ERROR ') ? [i + 1] : [])));
    expect(analysis.parseStats.records).toBe(written.length);
  });

  it('without the signal firing, the same object is read to its end', async () => {
    let records = 0;
    const analysis = await analyzeBytes(fromChunks([gz]), {
      source: { bucket: 'logs', key: 'app.log.gz' },
      config: { rules: parseRules({}), maxLineBytes: 1 << 20, longLines: 'truncate' },
      stopReading: new AbortController().signal,
      writeRecords: async (found) => {
        for await (const batch of found) records += batch.length;
        return undefined;
      },
    });
    expect(analysis).toMatchObject({ stopped: false, failure: undefined });
    expect(analysis.lineStats.lines).toBe(lines.length);
    expect(records).toBe(lines.filter((l) => l.includes(' ERROR ')).length);
  });
});
