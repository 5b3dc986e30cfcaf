import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import { outputKeys } from '../../functions/src/pipeline/outputKeys.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { EXIT } from '../../cli/constants.js';
import { HOSTILE_LINES } from '../../dev/local/hostileLines.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { childEnv, runInProcess, startCli } from '../unit/cli/support/runCli.js';
import type { CliRun } from '../unit/cli/support/runCli.js';
import type { FaultRow } from './support/faultTable.js';
import type { PipelineRig } from './support/pipelineRig.js';
import { createPipelineRig, OUT } from './support/pipelineRig.js';

// Issue 13, classes 1 (backtracking regexes), 6 (secrets in plain text), 7 (the CLI destroying
// input) and the ENAMETOOLONG item of class 3. The hostile-regex cases run the CLI in a child process
// with a time limit, so that a regression fails the row instead of hanging the suite.

const MiB = 1024 * 1024;
/** A hung regex ignores SIGTERM; the child is killed with SIGKILL at this limit. */
const CHILD_LIMIT_MS = 180_000;

let rig: PipelineRig;
let pipe: NotificationPipe;

beforeAll(async () => {
  rig = await createPipelineRig();
  pipe = await createNotificationPipe(rig.s3, rig.sqs);
});

function record(task: { meta: { fault?: FaultRow } }, row: FaultRow): void {
  task.meta.fault = row;
}

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'logsieve-hostile-'));
const errorLine = (i: number): string => `2026-11-26T12:00:${String(i % 60).padStart(2, '0')}.000Z ERROR [probe] marker ${i} after a hostile line`;

/** Runs `logsieve process …args` in a child, killed at {@link CHILD_LIMIT_MS}. */
async function cliInChild(args: string[]): Promise<CliRun & { killed: boolean; ms: number }> {
  const started = Date.now();
  const { child, run } = startCli(args, childEnv());
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, CHILD_LIMIT_MS);
  try {
    return { ...(await run), killed, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** The markers (`marker N`) found in a records file, gzip or not. */
async function markersIn(file: string): Promise<Set<number>> {
  const bytes = await readFile(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const found = new Set<number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /marker (\d+) after/.exec((JSON.parse(line) as ErrorRecord).raw);
    if (m) found.add(Number(m[1]));
  }
  return found;
}

describe('hostile regex input', () => {
  it('every hostile 1 MiB line of dev/local/hostileLines.ts, each followed by an error: all read at input speed, no error lost', async ({ task }) => {
    const dir = await tempDir();
    const file = path.join(dir, 'hostile.log');
    const out = createWriteStream(file);
    for (let i = 0; i < 20; i++) out.write(`2026-11-26T12:00:00.000Z INFO [probe] warm-up ${i}\n`);
    HOSTILE_LINES.forEach((h, i) => out.write(`${h.text(MiB)}\n${errorLine(i)}\n`));
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const run = await cliInChild(['process', file, '--out', path.join(dir, 'out'), '--json']);
    const found = run.code === 0 ? await markersIn(path.join(dir, 'out', 'hostile.log.errors.ndjson.gz')) : new Set<number>();
    const mbPerSec = (HOSTILE_LINES.length * MiB) / 1e6 / (run.ms / 1000);
    record(task, {
      case: `${HOSTILE_LINES.length} hostile 1 MiB lines (\`://\`×349k, \`(a+)+$\` bait, \`\${\`…), CLI child`,
      expected: `complete within ${CHILD_LIMIT_MS / 1000} s; ${HOSTILE_LINES.length} error markers`,
      observed: run.killed ? `killed after ${CHILD_LIMIT_MS / 1000} s` : `exit ${run.code} in ${(run.ms / 1000).toFixed(1)} s (${mbPerSec.toFixed(1)} MB/s with start-up), ${found.size} markers`,
      lost: HOSTILE_LINES.length - found.size,
    });
    expect(run.killed).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Summary).status).toBe('complete');
    expect(found.size).toBe(HOSTILE_LINES.length);
  }, CHILD_LIMIT_MS + 30_000);

  it('user rules `(a+)+$` and `^(\\w+\\s?)*$` (issue 13) on 1 MiB lines: linear on RE2, every error kept', async ({ task }) => {
    const dir = await tempDir();
    const file = path.join(dir, 'rules.log');
    const rules = path.join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({ errorPatterns: ['(a+)+$'], exclude: ['^(\\w+\\s?)*$'] }));
    const lines: string[] = [];
    // Just under maxLineBytes, so that the line stage keeps the `!` that makes both patterns fail late.
    for (let i = 0; i < 8; i++) lines.push(`${'a'.repeat(MiB - 2)}!`, `${'word '.repeat(Math.floor(MiB / 5) - 1)}!`, errorLine(i));
    lines.push('a'.repeat(1000)); // matches `(a+)+$`: a record of class pattern
    await writeFile(file, `${lines.join('\n')}\n`);
    const run = await cliInChild(['process', file, '--out', path.join(dir, 'out'), '--config', rules, '--json']);
    const summary = run.code === 0 ? (JSON.parse(run.stdout) as Summary) : undefined;
    const found = summary ? await markersIn(path.join(dir, 'out', 'rules.log.errors.ndjson.gz')) : new Set<number>();
    record(task, {
      case: 'rules `errorPatterns: ["(a+)+$"]`, `exclude: ["^(\\\\w+\\\\s?)*$"]`, 16 hostile 1 MiB lines',
      expected: 'complete; 8 markers + 1 pattern record',
      observed: run.killed ? `killed after ${CHILD_LIMIT_MS / 1000} s` : `exit ${run.code} in ${(run.ms / 1000).toFixed(1)} s; ${found.size} markers, ${summary?.counts.classes.pattern ?? 0} pattern`,
      lost: 8 - found.size,
    });
    expect(run.killed).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(found.size).toBe(8);
    expect(summary!.counts.classes.pattern).toBe(1);
  }, CHILD_LIMIT_MS + 30_000);

  it('a quantified rule RE2 cannot run (a backreference) is refused before reading, naming the rule', async ({ task }) => {
    const dir = await tempDir();
    const rules = path.join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({ errorPatterns: ['timeout', '(\\w+)\\s\\1+'] }));
    await writeFile(path.join(dir, 'a.log'), `${errorLine(1)}\n`);
    const run = await runInProcess(['process', path.join(dir, 'a.log'), '--out', path.join(dir, 'out'), '--config', rules]);
    record(task, { case: 'rule `(\\\\w+)\\\\s\\\\1+` (backreference under a quantifier)', expected: 'exit 5 naming rules.errorPatterns[1]; nothing written', observed: `exit ${run.code}: ${run.stderr.trim().slice(0, 90)}`, lost: 0 });
    expect(run.code).toBe(EXIT.badConfig);
    expect(run.stderr).toContain('rules.errorPatterns[1]: expected a regular expression RE2 can run in linear time');
    await expect(readdir(path.join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });
});

describe('secrets', () => {
  /** Uploads `body`, runs the handler on its notification, reads back every output (records, summary, report). */
  async function runHandler(key: string, body: string): Promise<{ records: ErrorRecord[]; summary: Summary | undefined; outputs: string }> {
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    await rig.runSqs(rig.deps(), event);
    const keys = outputKeys(OUT, { bucket: pipe.bucket, key });
    const get = async (k: string): Promise<Buffer> => {
      const res = await rig.s3.send(new GetObjectCommand({ Bucket: rig.outputBucket, Key: k }));
      return Buffer.from(await res.Body!.transformToByteArray());
    };
    const summaryText = (await get(keys.summary)).toString('utf8');
    const recordsText = gunzipSync(await get(keys.errorsPart(0))).toString('utf8');
    const report = (await get(keys.report)).toString('utf8');
    return {
      records: recordsText.trimEnd().split('\n').map((l) => JSON.parse(l) as ErrorRecord),
      summary: JSON.parse(summaryText) as Summary,
      outputs: [recordsText, summaryText, report].join('\n'),
    };
  }

  const TEXT_SECRETS: Array<[string, string]> = [
    ['aws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYzz', 'wJalrXUtnFEMIK7MDENGbPxRfiCYzz'],
    ['login failed password = "hunter2-Zq81"', 'hunter2-Zq81'],
    ['settings SECRET_KEY=dj4ng0-Zq82-insecure', 'dj4ng0-Zq82-insecure'],
    ['cache down redis://:pZq83w@cache:6379/0', 'pZq83w'],
    ['db down postgres://user:pa/Zq84ss@db:5432/x', 'pa/Zq84ss'],
    ['bad body {\\"password\\": \\"Zq85x\\"}', 'Zq85x'],
    ['key -----BEGIN PGP PRIVATE KEY BLOCK----- lQOYBFZq86 -----END PGP PRIVATE KEY BLOCK-----', 'lQOYBFZq86'],
    ['charge failed card 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['upstream refused Cookie: JSESSIONID=Zq87A1B2C3; theme=dark', 'Zq87A1B2C3'],
  ];

  it("issue 13's secrets in a text log: none in records, summary samples and templates or the HTML report", async ({ task }) => {
    const body = TEXT_SECRETS.map(([line], i) => `2026-11-26T12:00:0${i}.000Z ERROR [auth] ${line}`).join('\n');
    const { records, summary, outputs } = await runHandler('secrets/app.log', `${body}\n`);
    const leaked = TEXT_SECRETS.filter(([, s]) => outputs.includes(s)).map(([, s]) => s);
    record(task, {
      case: `${TEXT_SECRETS.length} secrets of issue 13 (spaced \`=\`, SECRET_KEY, redis://:pw, pa/ss, escaped JSON, PGP, card, cookie)`,
      expected: `${TEXT_SECRETS.length} records, 0 secrets in any output`,
      observed: `${records.length} records, ${summary?.counts.redactions} redactions, leaked: ${leaked.length ? leaked.join(', ') : 'none'}`,
      lost: TEXT_SECRETS.length - records.length,
    });
    expect(leaked).toEqual([]);
    expect(records).toHaveLength(TEXT_SECRETS.length);
  });

  it('a JSON log whose string fields hold escaped JSON with secrets: none written, raw still JSON', async ({ task }) => {
    const lines = [
      { level: 'error', msg: 'bad request', body: JSON.stringify({ user: 'bob', password: 'Zq91pass' }) },
      { level: 'error', msg: JSON.stringify({ password: 'Zq92' }) },
      { level: 'error', msg: 'key', key: '-----BEGIN RSA PRIVATE KEY-----\nMIIEZq93\n-----END RSA PRIVATE KEY-----' },
    ].map((o) => JSON.stringify(o));
    lines.push('{"level":"error","msg":"charge failed","card":4111111111111111}');
    const { records, outputs } = await runHandler('secrets/app.json.log', `${lines.join('\n')}\n`);
    const leaked = ['Zq91pass', 'Zq92', 'MIIEZq93', '4111111111111111'].filter((s) => outputs.includes(s));
    const invalid = records.filter((r) => {
      try {
        JSON.parse(r.raw);
        return false;
      } catch {
        return true;
      }
    });
    record(task, { case: 'JSON lines with escaped JSON, a PEM block and a numeric card in fields', expected: '4 records, raw valid JSON, 0 secrets', observed: `${records.length} records, ${invalid.length} invalid raw, leaked: ${leaked.join(', ') || 'none'}`, lost: lines.length - records.length });
    expect(leaked).toEqual([]);
    expect(invalid).toEqual([]);
    expect(records).toHaveLength(lines.length);
  });
});

describe('the CLI never destroys input; long names', () => {
  it('--errors-out naming the input (another spelling) is refused with exit 2 and the input is untouched', async ({ task }) => {
    const dir = await tempDir();
    const log = path.join(dir, 'app.log');
    const text = `${errorLine(1)}\n${errorLine(2)}\n`;
    await writeFile(log, text);
    const run = await runInProcess(['process', log, '--out', dir, '--errors-out', `${dir}/./app.log`, '--force']);
    const after = await readFile(log, 'utf8');
    record(task, { case: 'CLI `--errors-out` = the input file (`dir/./app.log`, with --force)', expected: 'exit 2, input unchanged', observed: `exit ${run.code}, input ${after === text ? 'unchanged' : 'CHANGED'}`, lost: after === text ? 0 : 2 });
    expect(run.code).toBe(EXIT.usage);
    expect(after).toBe(text);
  });

  it('an existing file that is not a logsieve output is refused with exit 7 unless --force', async ({ task }) => {
    const dir = await tempDir();
    const log = path.join(dir, 'app.log');
    await writeFile(log, `${errorLine(1)}\n`);
    await writeFile(path.join(dir, 'app.log.report.html'), '<p>my notes</p>\n');
    const refused = await runInProcess(['process', log, '--out', dir]);
    const kept = await readFile(path.join(dir, 'app.log.report.html'), 'utf8');
    const forced = await runInProcess(['process', log, '--out', dir, '--force']);
    record(task, { case: 'CLI output over a foreign file (`app.log.report.html`)', expected: 'exit 7, file kept; --force: exit 0', observed: `exit ${refused.code}, file ${kept === '<p>my notes</p>\n' ? 'kept' : 'OVERWRITTEN'}; --force: exit ${forced.code}`, lost: 0 });
    expect(refused.code).toBe(EXIT.outputExists);
    expect(kept).toBe('<p>my notes</p>\n');
    expect(forced.code).toBe(0);
  });

  it('a 250-character file name: outputs with a bounded name, every error written', async ({ task }) => {
    const dir = await tempDir();
    const log = path.join(dir, `${'n'.repeat(246)}.log`);
    await writeFile(log, `${[1, 2, 3].map(errorLine).join('\n')}\n`);
    const run = await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--json']);
    const names = run.code === 0 ? await readdir(path.join(dir, 'out')) : [];
    const gz = names.find((n) => n.endsWith('.errors.ndjson.gz'));
    const found = gz ? await markersIn(path.join(dir, 'out', gz)) : new Set<number>();
    record(task, { case: 'CLI on a 250-character file name (ENAMETOOLONG before)', expected: 'exit 0; 3 outputs ≤ 239 bytes; 3 records', observed: `exit ${run.code}; ${names.length} outputs, longest ${Math.max(0, ...names.map((n) => n.length))}; ${found.size} records${run.stderr ? `; ${run.stderr.trim()}` : ''}`, lost: 3 - found.size });
    expect(run.code, run.stderr).toBe(0);
    expect(names).toHaveLength(3);
    expect(found.size).toBe(3);
  });

  it('an S3 key of 1 000 bytes: output keys bounded to 1 024 bytes, a complete summary, every error written', async ({ task }) => {
    const key = `long/${'k'.repeat(991)}.log`;
    const body = `${[1, 2, 3].map(errorLine).join('\n')}\n`;
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    const response = await rig.runSqs(rig.deps(), event);
    const keys = outputKeys(OUT, { bucket: pipe.bucket, key });
    const res = await rig.s3.send(new GetObjectCommand({ Bucket: rig.outputBucket, Key: keys.summary }));
    const summary = JSON.parse(await res.Body!.transformToString()) as Summary;
    record(task, { case: 'S3 key of 1 000 bytes (output keys would be 1 031)', expected: 'complete; keys ≤ 1 024 bytes; 3 records', observed: `${summary.status}; summary key ${Buffer.byteLength(keys.summary)} bytes; ${summary.counts.records} records`, lost: 3 - summary.counts.records });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', source: { key }, counts: { records: 3 } });
    expect(summary.outputs.errorParts[0]!.key).toBe(keys.errorsPart(0));
  });
});
