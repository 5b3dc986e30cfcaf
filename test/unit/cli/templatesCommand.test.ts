import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cloudWatchLogsEnvelope } from '../../helpers/cloudWatchLogsEnvelope.js';
import { runCli, runInProcess } from './support/runCli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'logsieve-templates-'));

function file(name: string, text: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Assignment { line: number; groupId: string; template: string }
const read = (p: string): Assignment[] => readFileSync(p, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Assignment);

const MESSAGES = [
  'Receiving block blk_-6952295868487656571 src: /10.251.73.220:50010 dest: /10.251.73.220:50010',
  'Failed password for root from 10.0.0.1 port 22 ssh2',
  'Receiving block blk_3886206434434440226 src: /10.0.0.1:50010 dest: /10.0.0.2:50010',
  'Failed password for guest from 10.0.0.3 port 2222 ssh2',
  '',
  '[instance: 3f1c0d8e-1111-4a2b-9c3d-0123456789ab] Instance spawned successfully.',
  '[instance: 4f1c0d8e-1111-4a2b-9c3d-0123456789ab] Instance destroyed successfully.',
  'Failed password for admin from 10.0.0.4 port 2223 ssh2',
];

describe('logsieve templates', () => {
  it('writes one assignment per input line, in order, with the final template of its group (the held-out call)', async () => {
    const input = file('messages.log', `${MESSAGES.join('\n')}\n`);
    const out = path.join(dir, 'out.ndjson');
    const run = await runCli(['templates', input, '--no-multiline', '--assignments', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const a = read(out);
    expect(a.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a[0]!.groupId).toBe(a[2]!.groupId);
    expect(a[0]!.template).toBe('Receiving block <*> src: <*> dest: <*>');
    // The first record of the group was met before the template learned its <*>; the file still
    // gives every line the final one.
    expect(new Set([a[1], a[3], a[7]].map((x) => x!.groupId)).size).toBe(1);
    expect(a[1]!.template).toBe('Failed password for <*> from <*> port <*>');
    expect(a[4]!.template).toBe('');
    expect(a[5]!.groupId).not.toBe(a[6]!.groupId);
    for (const x of a) expect(x.groupId).toMatch(/^[0-9a-f]{16}$/);
    expect(run.stdout).toContain('top templates by count:');
    expect(run.stdout).toContain('top templates by bytes:');
  });

  it('joins stack traces into their event unless --no-multiline, and reads gzip', async () => {
    const text = [
      '2026-11-26T00:00:00.000Z ERROR Request 17 failed',
      'java.lang.IllegalStateException: boom',
      '    at com.example.Foo.bar(Foo.java:10)',
      '2026-11-26T00:00:01.000Z INFO Request 18 served in 12ms',
      '2026-11-26T00:00:02.000Z ERROR Request 19 failed',
      '    at com.example.Foo.bar(Foo.java:10)',
    ].join('\n');
    const input = file('app.log.gz', gzipSync(`${text}\n`));
    const joined = path.join(dir, 'joined.ndjson');
    expect((await runInProcess(['templates', input, '--assignments', joined])).code).toBe(0);
    const a = read(joined);
    expect(a).toHaveLength(6);
    expect(new Set(a.slice(0, 3).map((x) => x.groupId)).size).toBe(1);
    expect(a[4]!.groupId).toBe(a[0]!.groupId);
    const split = path.join(dir, 'split.ndjson');
    const { stdout, code } = await runInProcess(['templates', input, '--no-multiline', '--json', '--assignments', split]);
    expect(code).toBe(0);
    const table = JSON.parse(stdout) as { lines: number; events: number; templates: number; byCount: Array<{ count: number; bytes: number; template: string }>; byBytes: unknown[] };
    expect(table).toMatchObject({ lines: 6, events: 6 });
    expect(table.byCount.reduce((n, r) => n + r.count, 0)).toBe(6);
    expect(table.byBytes).toHaveLength(table.templates);
    expect(new Set(read(split).slice(0, 3).map((x) => x.groupId)).size).toBe(3);
  });

  it('reads CloudWatch Logs subscription data through the envelopes, as the Lambda does', async () => {
    const envelope = cloudWatchLogsEnvelope([1, 2, 3].map((i) => ({ timestamp: 1_700_000_000_000 + i, message: `Task ${i} timed out after ${i * 3} seconds` })));
    const input = file('firehose-object', JSON.stringify(envelope));
    const { code, stdout } = await runInProcess(['templates', input, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'cloudwatch-logs', events: 3, byCount: [{ template: 'Task <*> timed out after <*> seconds', count: 3 }] });
  });

  it('fails with exit code 3 on a missing file and 2 on a bad option', async () => {
    const missing = await runInProcess(['templates', path.join(dir, 'nope.log')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope\.log/);
    expect((await runInProcess(['templates', path.join(dir, 'messages.log'), '--top', '0'])).code).toBe(2);
  });
});
