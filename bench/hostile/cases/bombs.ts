import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { cloudTrailDocument, cloudWatchEventsFirst, deepArray, textLines, zstdHugeWindowFrame, zstdRawFrame, zstdRleBomb } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { variedLog } from '../variedLog.js';
import { writeOnce } from '../writeOnce.js';

const MiB = 1024 * 1024;

/** `zstd <flags>` of a varied 96 MiB log, read from a pipe (`fromPipe`: no size known, the full window is declared) or a file. */
async function zstdOf(dir: string, name: string, flags: string[], fromPipe: boolean): Promise<string> {
  const out = join(dir, name);
  if (existsSync(out)) return out;
  const log = await writeOnce(dir, 'varied-96MiB.log', () => variedLog(96 * MiB));
  const r = fromPipe
    ? spawnSync('sh', ['-c', `zstd -q ${flags.join(' ')} -c < "${log}" > "${out}"`])
    : spawnSync('zstd', ['-q', '-f', ...flags, log, '-o', out]);
  if (r.status !== 0) throw new Error(`zstd failed (is the zstd CLI installed?): ${r.stderr?.toString()}`);
  return out;
}

export const cases: HostileCase[] = [
  {
    class: 'bombs', name: 'real log (zstd), then a frame declaring a 1.9 GiB window',
    make: async (dir) => {
      const log = await zstdOf(dir, 'varied-3.zst', ['-3'], false);
      return writeOnce(dir, 'log-then-window-1.9GiB.zst', Buffer.concat([readFileSync(log), zstdRawFrame(textLines(100, 'ERROR', 'kept')), zstdHugeWindowFrame(textLines(100, 'ERROR', 'refused'))]));
    },
    expect: { status: 'failed' },
  },
  {
    class: 'bombs', name: 'real log, zstd --long=30 from a pipe (1 GiB window)',
    make: (dir) => zstdOf(dir, 'varied-long30-pipe.zst', ['--long=30'], true),
    expect: { status: 'failed', records: 0 },
  },
  {
    class: 'bombs', name: 'real log, zstd --long=25 (32 MiB window)',
    make: (dir) => zstdOf(dir, 'varied-long25.zst', ['--long=25'], false),
    expect: { status: 'complete' },
  },
  {
    class: 'bombs', name: 'zstd RLE bomb, 2 GiB of A in 128 KiB lines',
    make: (dir) => writeOnce(dir, 'rle-2GiB.zst', zstdRleBomb(2 * 1024 * MiB, 0x41, true)),
    timeLimitMs: 180_000,
    expect: { status: 'complete', records: 0 },
  },
  {
    class: 'bombs', name: 'gzip of 1 GiB of bare newlines',
    make: (dir) => writeOnce(dir, 'newlines-1GiB.gz', async function* () {
      const gz = createGzip({ level: 9 });
      const block = Buffer.alloc(MiB, 0x0a);
      const done = (async () => {
        for (let i = 0; i < 1024; i++) if (!gz.write(block)) await new Promise((r) => gz.once('drain', r));
        gz.end();
      })();
      for await (const chunk of gz) yield chunk as Buffer;
      await done;
    }),
    expect: { status: 'complete', records: 0 },
  },
  {
    class: 'bombs', name: 'CloudTrail, JSON nested 100k deep beside Records',
    make: (dir) => writeOnce(dir, 'cloudtrail-deep.json', cloudTrailDocument(20_000, 10, `"deep":${deepArray(100_000)}`)),
    expect: { status: 'complete', records: 2_000 },
  },
  {
    class: 'bombs', name: 'CloudWatch envelope: 300k non-string messages and 100k-deep values before the metadata',
    make: (dir) => writeOnce(dir, 'cwl-events-first.json', `${cloudWatchEventsFirst(300_000, 2_000)}${cloudWatchEventsFirst(1, 10, 100_000)}`),
    expect: { status: 'complete', records: 2_010 },
  },
];
