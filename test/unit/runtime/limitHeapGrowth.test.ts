import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../../functions/src/runtime/limitHeapGrowth.js';

const run = promisify(execFile);
const MODULE = new URL('../../../functions/src/runtime/limitHeapGrowth.ts', import.meta.url).href;

/**
 * A fresh process that replaces a live set of about 64 MiB piece by piece (every piece outlives
 * two scavenges, so its garbage is old-generation garbage, as the rollup readers' in-flight
 * requests are) and prints the largest committed heap it saw, MiB.
 */
async function peakHeapMiB(limited: boolean): Promise<number> {
  const code = `
    ${limited ? `const { limitHeapGrowth } = await import(${JSON.stringify(MODULE)}); limitHeapGrowth();` : ''}
    const ring = new Array(256).fill(null);
    let peak = 0;
    for (let i = 0; i < 256 * 8; i++) {
      ring[i % 256] = Array.from({ length: 4096 }, (_, j) => ({ j, s: 'x' + j }));
      if (i % 32 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(peak / 2 ** 20));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 60_000 });
  return Number(stdout.trim());
}

describe('limitHeapGrowth', () => {
  it('keeps the committed heap of a churning process well under what V8 grows it to by default', async () => {
    const [unlimited, limited] = await Promise.all([peakHeapMiB(false), peakHeapMiB(true)]);
    // Measured here: about 340 MiB without, 175 MiB with (live set about 64 MiB).
    expect(unlimited).toBeGreaterThan(64);
    expect(limited).toBeLessThan(unlimited * 0.7);
  }, 60_000);

  it('takes only a positive integer percentage', () => {
    expect(() => limitHeapGrowth(0)).toThrow(/positive integer/);
    expect(() => limitHeapGrowth(1.5)).toThrow(/positive integer/);
  });
});
