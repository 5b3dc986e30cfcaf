import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { childEnv, runCli, runInProcess } from '../unit/cli/support/runCli.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/cli');
const ordersLog = path.join(fixtures, 'orders.log');
const { '//': _note, ...expected } = JSON.parse(await readFile(path.join(fixtures, 'orders.expected.json'), 'utf8')) as Record<string, unknown>;

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'logsieve-cli-'));
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const ndjson = (text: string): ErrorRecord[] => text.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ErrorRecord);

describe('logsieve process <file>', () => {
  it('writes the summary, the HTML report and the gzip error records to --out, and prints a readable summary', async () => {
    const out = await tempDir();
    const run = await runInProcess(['process', ordersLog, '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });

    const summary = await readJson<Summary>(path.join(out, 'orders.log.summary.json'));
    expect(summary).toMatchObject(expected);
    expect(summary.source).toMatchObject({ bucket: '', key: ordersLog });
    expect(summary.topGroups.map((g) => g.template)).toEqual([
      expect.stringContaining('capture failed for order'),
      expect.stringContaining('Unhandled exception in OrderService.process'),
    ]);
    const records = ndjson(gunzipSync(await readFile(path.join(out, 'orders.log.errors.ndjson.gz'))).toString('utf8'));
    expect(records.map((r) => [r.firstLine, r.lastLine])).toEqual([[5, 5], [9, 12], [17, 17], [20, 23]]);
    expect(summary.outputs.errorParts).toEqual([expect.objectContaining({ key: path.join(out, 'orders.log.errors.ndjson.gz'), records: 4 })]);
    expect(await readFile(path.join(out, 'orders.log.report.html'), 'utf8')).toContain('capture failed for order');

    expect(run.stdout).toContain(`${ordersLog}: complete`);
    expect(run.stdout).toContain('4 errors');
    expect(run.stdout).toContain(`report:  ${path.join(out, 'orders.log.report.html')}`);
  });

  it('gives the same counts for the gzip of the same log', async () => {
    const dir = await tempDir();
    const gz = path.join(dir, 'orders.log.gz');
    await writeFile(gz, gzipSync(await readFile(ordersLog)));
    const run = await runInProcess(['process', gz, '--out', dir, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.source.compression).toBe('gzip');
    expect(summary.counts).toMatchObject((expected as { counts: object }).counts);
  });

  it('--errors-out writes plain NDJSON, or gzip when the name ends in .gz', async () => {
    const dir = await tempDir();
    const plain = path.join(dir, 'errs', 'orders.ndjson');
    expect((await runInProcess(['process', ordersLog, '--out', dir, '--errors-out', plain])).code).toBe(0);
    expect(ndjson(await readFile(plain, 'utf8')).map((r) => r.level)).toEqual(['error', 'error', 'error', 'error']);

    const gz = path.join(dir, 'orders.ndjson.gz');
    expect((await runInProcess(['process', ordersLog, '--out', dir, '--errors-out', gz])).code).toBe(0);
    expect(ndjson(gunzipSync(await readFile(gz)).toString('utf8'))).toHaveLength(4);
    expect((await readJson<Summary>(path.join(dir, 'orders.log.summary.json'))).outputs.errorParts[0]?.key).toBe(gz);
  });

  it('--config applies a rules file: minLevel warn keeps the 3 warnings too', async () => {
    const run = await runInProcess(['process', ordersLog, '--out', await tempDir(), '--json', '--config', path.join(fixtures, 'rules-warn.json')]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Summary).counts).toMatchObject({ records: 7, errors: 4, warnings: 3 });
  });

  it("dates a syslog file's year-less stamps from the file's modification time", async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'messages');
    await writeFile(file, [
      'Dec 31 23:59:50 web-1 sshd[811]: error: PAM: Authentication failure for root from 10.0.0.9',
      'Dec 31 23:59:55 web-1 CRON[812]: (root) CMD (run-parts /etc/cron.hourly)',
      '<11>Jan  1 00:00:02 web-1 app[9]: failed to start',
      '',
    ].join('\n'));
    await utimes(file, new Date('2027-01-01T00:10:00Z'), new Date('2027-01-01T00:10:00Z'));
    const run = await runInProcess(['process', file, '--out', dir, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.source.format).toBe('syslog');
    expect(summary.time).toMatchObject({ first: '2026-12-31T23:59:50.000Z', last: '2027-01-01T00:00:02.000Z', yearsInferred: 2 });
  });
});

describe('logsieve process: output and exit codes of the command itself', () => {
  it('--json prints only the summary JSON on stdout; exit 0', async () => {
    const run = await runCli(['process', ordersLog, '--out', await tempDir(), '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject(expected);
    expect(run.stderr).toBe('');
  });

  it('a missing file: 3, one line', async () => {
    const run = await runCli(['process', path.join(fixtures, 'no-such.log'), '--out', await tempDir()]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^logsieve: .*no-such\.log: no such file\n$/);
    expect(run.stdout).toBe('');
  });

  it.each([
    [['process'], /missing required argument 'input'/],
    [['process', ordersLog, '--frobnicate'], /unknown option '--frobnicate'/],
    [['process', 's3://bucket-only'], /<input>: expected s3:\/\/bucket\/key/],
    [['watch', '--batch-size', '11'], /--batch-size expects an integer from 1 to 10, got "11"/],
    [['launch'], /unknown command 'launch'/],
  ])('bad arguments %j: 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    ['rules-bad.json', 'rules.minLevel'],
    ['rules-unknown-field.json', 'rules.minimumLevel'],
  ])('a bad --config (%s): 5, naming the field', async (file, field) => {
    const run = await runCli(['process', ordersLog, '--out', await tempDir(), '--config', path.join(fixtures, file)]);
    expect(run.code).toBe(5);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(field);
  });

  it('a bad LOGSIEVE_* setting: 5, naming the variable', async () => {
    const run = await runCli(['process', ordersLog, '--out', await tempDir()], childEnv({ LOGSIEVE_MAX_LINE_BYTES: '12' }));
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^logsieve: LOGSIEVE_MAX_LINE_BYTES: expected an integer from 1024/);
  });

  it('a truncated gzip: 6, with the outputs of what was read still written', async () => {
    const dir = await tempDir();
    // Large enough that the decoder hands out lines before it reaches the cut.
    const text = (await readFile(ordersLog, 'utf8')).repeat(400);
    const gz = gzipSync(text);
    const cut = path.join(dir, 'cut.log.gz');
    await writeFile(cut, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const run = await runCli(['process', cut, '--out', dir, '--json']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/^logsieve: .*cut\.log\.gz: input is corrupt or truncated: /);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.status).toBe('failed');
    expect(summary.counts.lines).toBeGreaterThan(0);
    expect(summary.counts.lines).toBeLessThan(31 * 400);
    expect((await readJson<Summary>(path.join(dir, 'cut.log.gz.summary.json'))).status).toBe('failed');
  });

  it('an unreachable endpoint for an s3:// input: 4', async () => {
    // Port 9 (discard) has no listener here: the connection is refused.
    const run = await runCli(['process', 's3://logs/app.log', '--out', await tempDir()], childEnv({ LOCALSTACK_ENDPOINT: 'http://127.0.0.1:9' }));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^logsieve: cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });

  it('--help lists the commands and the exit codes: 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/process \[options\] <input>[\s\S]*up[\s\S]*watch[\s\S]*demo[\s\S]*Exit codes:/);
  });
});
