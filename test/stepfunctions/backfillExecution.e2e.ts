import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { BackfillReport } from '../../functions/src/backfill/types.js';
import type { Rollup } from '../../functions/src/rollup/types.js';
import { deployToLocalStack } from '../../dev/deployLocal.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { putObjects } from '../helpers/putObjects.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { runInProcess } from '../unit/cli/support/runCli.js';

// The whole backfill on LocalStack: the stack deployed with its backfill state machine (the real
// definition of the synthesized template, deployed by cdklocal), 2 500 objects planned into three
// manifest pages (25 items of 100, 10 a page: 8 items at once, each 4 objects at once), `logsieve backfill --on-aws` starting and following the execution, every object
// processed by the deployed function; a second run skips every one. Part of `npm test` (the root
// config includes this file) and of `npm run test:backfill-e2e` alone. The stack's notification
// takes `.gz` keys only (inputSuffixes): the `.log` objects reach the function through the backfill
// alone, so nothing races it and the first run must process all 2 500 itself. Under a load average
// of 25 on the shared 2-core machine it took 465 s alone (deploy 222 s, upload 35 s, first run
// 133 s, second 75 s); quiet, an estimated 2 to 3 minutes (not measured here).
const { endpoint, s3 } = localstackClients();
const log = sampleLog(40, 8);
const keys = Array.from({ length: 2500 }, (_, i) => `logs/2026/11/${String(i).padStart(5, '0')}.log`);
let outputs: Record<string, string>;
const readRollup = async (key: string): Promise<Rollup> =>
  JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: outputs.OutputBucketName!, Key: key }))).Body!.transformToString()) as Rollup;

const backfill = (): Promise<{ code: number; stdout: string; stderr: string }> =>
  runInProcess(
    ['backfill', `s3://${outputs.InputBucketName}/logs/`, '--on-aws', '--state-machine-arn', outputs.BackfillStateMachineArn!,
      '--out', `s3://${outputs.OutputBucketName}/logsieve/`, '--items-per-page', '10', '--json'],
    { env: { AWS_ENDPOINT_URL: endpoint } },
  );

/** How long each phase took, printed at the end: what the run waits on, for CI's time budget. */
const phases: string[] = [];
async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    phases.push(`${phase} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
afterAll(() => console.log(`[backfill e2e] ${phases.join(', ')}`));

beforeAll(async () => {
  const deployed = await timed('deploy', () => deployToLocalStack({
    endpoint,
    stackName: uniqueName('LogsieveBackfill').replace(/[^A-Za-z0-9-]/g, ''),
    context: {
      'logsieve:backfill': 'true', 'logsieve:inputPrefix': 'logs/', 'logsieve:inputSuffixes': '.gz', 'logsieve:backfillMaxConcurrency': '8', 'logsieve:serverAccessLogs': 'false',
      // No hourly rollups (tested in test/integration/rollups.test.ts): two PUTs fewer per object to wait for; the backfill's own rollup stays.
      'logsieve:rollupScheduleMinutes': '0',
    },
    log: () => {},
  }));
  if (!deployed.ok) throw new Error(`the stack did not deploy to LocalStack:\n${deployed.failures.join('\n')}`);
  outputs = deployed.outputs;
  await timed('upload', () => putObjects(s3, outputs.InputBucketName!, keys.map((key) => ({ key, body: log.text }))));
}, 600_000);

describe('backfill on LocalStack Step Functions, end to end', () => {
  it('processes 2 500 objects over three manifest pages, then a second run skips all of them', async () => {
    const first = await timed('first run', backfill);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as BackfillReport;
    expect(report).toMatchObject({ status: 'complete', counts: { objects: 2500, items: 25, processed: 2500, skipped: 0, failed: 0, itemsWithoutResult: 0 } });
    expect(report.counts.records).toBe(2500 * log.errorLines);
    expect(first.stderr).toMatch(/2500 objects in 25 items on 3 pages/);
    // The final step's rollup of what the backfill processed: every summary, one input per item.
    const rollup = await readRollup(report.rollupKey);
    expect(rollup).toMatchObject({ summaries: { complete: 2500, failed: 0 }, counts: { records: 2500 * log.errorLines, lines: 2500 * log.lines } });
    expect(rollup.inputs).toHaveLength(25);

    const second = await timed('second run', backfill);
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as BackfillReport;
    expect(again.counts).toMatchObject({ objects: 2500, processed: 0, skipped: 2500, failed: 0 });
    // Skipped objects' summaries are read again: the rollup still covers the whole prefix.
    expect((await readRollup(again.rollupKey)).summaries.complete).toBe(2500);
  }, 600_000);
});
