import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import type { Rollup } from '../../functions/src/rollup/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { runInProcess } from '../unit/cli/support/runCli.js';

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'logsieve-cli-rollup-'));

/** A text log with `errors` ERROR lines of two templates, starting at `start` (ISO), one line a second. */
function log(start: string, errors: number, extra = ''): string {
  const t0 = Date.parse(start);
  const lines: string[] = [];
  for (let i = 0; i < errors * 3; i++) {
    const ts = new Date(t0 + i * 1000).toISOString();
    lines.push(i % 3 === 0 ? `${ts} ERROR [orders] payment failed for order ${1000 + i}: upstream returned 502` : `${ts} INFO  [http] GET /orders/${i} 200`);
  }
  if (extra) lines.push(`${new Date(t0 + errors * 3000).toISOString()} ERROR ${extra}`);
  return `${lines.join('\n')}\n`;
}

async function processed(): Promise<{ out: string; summaries: Summary[] }> {
  const inDir = await tempDir();
  const out = await tempDir();
  const files = { 'a.log': log('2026-11-26T10:05:00Z', 4), 'b.log': log('2026-11-26T10:40:00Z', 3, 'disk full on /var/lib/x'), 'c.log': log('2026-11-26T11:10:00Z', 2) };
  const summaries: Summary[] = [];
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(inDir, name), text);
    const run = await runInProcess(['process', path.join(inDir, name), '--out', out, '--json']);
    expect(run.code).toBe(0);
    summaries.push(JSON.parse(run.stdout) as Summary);
  }
  return { out, summaries };
}

describe('logsieve rollup', () => {
  it('merges the ./logsieve-out of logsieve process with no AWS: counts are the sums, groups merge across objects', async () => {
    const { out, summaries } = await processed();
    const html = path.join(await tempDir(), 'rollup.html');
    const run = await runInProcess(['rollup', out, '--json', '--html', html]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rollup = JSON.parse(run.stdout) as Rollup;
    expect(rollup.schema).toBe('logsieve.rollup/1');
    expect(rollup.summaries).toEqual({ complete: 3, failed: 0 });
    const sum = (pick: (s: Summary) => number): number => summaries.reduce((n, s) => n + pick(s), 0);
    expect(rollup.counts).toMatchObject({ lines: sum((s) => s.counts.lines), errors: 10, records: sum((s) => s.counts.records), bytesIn: sum((s) => s.counts.bytesIn) });
    expect(rollup.topGroups.map((g) => [g.count, g.template])).toEqual([
      [9, expect.stringContaining('payment failed for order')],
      [1, expect.stringContaining('disk full')],
    ]);
    expect(rollup.topGroups[0]!.firstSeen).toMatchObject({ timestamp: '2026-11-26T10:05:00.000Z', key: expect.stringContaining('a.log') });
    expect(rollup.topGroups[0]!.lastSeen).toMatchObject({ key: expect.stringContaining('c.log') });
    expect(rollup.inputs.map((i) => path.basename(i.key))).toEqual(['a.log.summary.json', 'b.log.summary.json', 'c.log.summary.json']);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('payment failed for order');
    expect(page).not.toMatch(/<script|src=|href="http/);
  });

  it('keeps the summaries whose hour is in [--since, --until), and says what is wrong with a bad time', async () => {
    const { out } = await processed();
    const run = await runInProcess(['rollup', out, '--json', '--since', '2026-11-26T10:00Z', '--until', '2026-11-26T11:00Z']);
    const rollup = JSON.parse(run.stdout) as Rollup;
    expect(rollup.summaries.complete).toBe(2);
    expect(rollup.counts.errors).toBe(8);
    expect(rollup.period).toEqual({ kind: 'range', start: '2026-11-26T10:00:00.000Z', end: '2026-11-26T11:00:00.000Z' });
    const text = await runInProcess(['rollup', out]);
    expect(text.stdout).toContain('3 summaries (0 failed)');
    const bad = await runInProcess(['rollup', out, '--since', 'yesterday']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--since expects an ISO 8601 time') });
    const missing = await runInProcess(['rollup', path.join(out, 'nope')]);
    expect(missing.code).toBe(3);
  });

  it('merges the summaries under an s3:// prefix of LocalStack, leaving the rollups next to them out', async () => {
    const { endpoint, s3 } = localstackClients();
    const bucket = uniqueName('logsieve-rollup-cli');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { summaries } = await processed();
    for (const [i, s] of summaries.entries()) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `logsieve/summaries/app/${i}.log.json`, Body: JSON.stringify(s) }));
    }
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'logsieve/rollups/hourly/2026/11/26/10.json', Body: JSON.stringify(summaries[0]) }));
    const run = await runInProcess(['rollup', `s3://${bucket}/logsieve/`, '--json'], { env: { LOCALSTACK_ENDPOINT: endpoint } });
    expect(run.stderr).toBe('');
    const rollup = JSON.parse(run.stdout) as Rollup;
    expect(rollup.summaries.complete).toBe(3);
    expect(rollup.counts.errors).toBe(10);
    expect(rollup.inputs).toEqual(summaries.map((_, i) => ({ key: `logsieve/summaries/app/${i}.log.json`, etag: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'complete' })));
  });
});
