import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { childEnv, runCli } from '../unit/cli/support/runCli.js';

describe('logsieve demo', () => {
  it('uploads the generated logs, runs the handler on all of them and prints a table whose counts match what was generated', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'logsieve-demo-'));
    const stateDir = await mkdtemp(path.join(tmpdir(), 'logsieve-state-'));
    // A small app log keeps the test quick; `npm run demo` uses 100 MiB.
    const run = await runCli(
      ['demo', '--size-mb', '3', '--out-dir', outDir],
      childEnv({ LOCALSTACK_ENDPOINT: inject('localstackEndpoint'), LOGSIEVE_STATE_FILE: path.join(stateDir, 'up.json') }),
    );
    expect(run.stderr).not.toMatch(/^logsieve:/m);
    expect(run.code).toBe(0);

    const rows = run.stdout.split('\n').filter((l) => /^\S+\s{2,}(ALB access log|CloudTrail Records|VPC flow logs|Lambda JSON log|CloudWatch Logs via Firehose|app log \(gzip\))\s/.test(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      // lines, errors, expected: the pipeline finds exactly the errors the generators wrote.
      const [, errors, expected] = /\s([\d,]+)\s+([\d,]+)\s+([\d,]+)\s{2}/.exec(row)!.slice(1);
      expect(errors, row).toBe(expected);
    }
    expect(run.stdout).toMatch(/app log \(gzip\)\s+text\s/);
    expect(run.stdout).toMatch(/CloudTrail Records\s+cloudtrail\s/);
    expect(run.stdout).toMatch(/CloudWatch Logs via Firehose\s+cloudwatch-logs \(text\)\s/);

    const files = await readdir(outDir);
    expect(files.filter((f) => f.endsWith('.report.html'))).toHaveLength(6);
    const app = JSON.parse(await readFile(path.join(outDir, 'orders-service.log.gz.summary.json'), 'utf8')) as Summary;
    expect(app).toMatchObject({ status: 'complete', source: { compression: 'gzip', format: 'text' } });
    expect(app.counts.bytesOut).toBeGreaterThanOrEqual(3 * 1024 * 1024);
  });
});
