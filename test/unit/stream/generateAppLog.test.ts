import { describe, expect, it } from 'vitest';

import { generateAppLog } from '../../../dev/local/generateAppLog.js';
import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { collect } from '../../helpers/streams.js';

// The seeded log generator the benchmarks, demo and e2e bench share: its counts must be exact.
describe('generateAppLog', () => {
  it('reports exact line, ERROR-line and byte counts', async () => {
    const log = generateAppLog({ bytes: 3 * 1024 * 1024, seed: 7, chunkBytes: 256 * 1024 });
    const stats = createLineStats();
    let errorLines = 0;
    let stackLines = 0;
    for await (const batch of lineBatches(log, { stats })) {
      for (const line of batch) {
        if (line.text.includes('ERROR')) errorLines += 1;
        if (line.text.startsWith('    at ')) stackLines += 1;
      }
    }
    expect(log.counts).toEqual({ lines: stats.lines, errorLines, stackLines, bytes: stats.bytes });
    expect(stats.bytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(stats.invalidUtf8Lines).toBe(0);
  });

  it('gives about errorRate ERROR lines, each followed by a stack trace', async () => {
    const log = generateAppLog({ bytes: 4 * 1024 * 1024, seed: 3, errorRate: 0.02 });
    const all = (await collect(lineBatches(log))).flat();
    const share = log.counts.errorLines / log.counts.lines;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.025);
    const firstError = all.findIndex((l) => l.text.includes(' ERROR '));
    expect(all[firstError + 1]?.text).toMatch(/^ {4}at /);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const bytes = async (seed: number): Promise<Buffer> =>
      Buffer.concat(await collect(generateAppLog({ bytes: 200_000, seed })));
    const a = await bytes(1);
    expect((await bytes(1)).equals(a)).toBe(true);
    expect((await bytes(2)).equals(a)).toBe(false);
  });

  it('validates its options', () => {
    expect(() => generateAppLog({ bytes: -1, seed: 1 })).toThrow(/bytes/);
    expect(() => generateAppLog({ bytes: 10, seed: 1, errorRate: 2 })).toThrow(/errorRate/);
  });
});
