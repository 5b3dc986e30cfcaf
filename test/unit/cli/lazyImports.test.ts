import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, SHIM } from './support/runCli.js';

const RECORDER = path.resolve(import.meta.dirname, 'support/recordImports.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'logsieve-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from source and returns every module URL it resolved. */
function importsOf(args: string[]): string[] {
  const record = path.join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(record, '');
  const res = spawnSync(process.execPath, ['--import', RECORDER, SHIM, ...args], {
    cwd: dir,
    env: childEnv({ LOGSIEVE_RECORD_IMPORTS: record }),
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  return readFileSync(record, 'utf8').split('\n').filter(Boolean);
}

const awsSdk = (urls: string[]): string[] => urls.filter((u) => /\/node_modules\/@(aws-sdk|smithy|aws-lambda-powertools)\//.test(u));

describe('logsieve start-up imports', () => {
  it('--help loads neither the AWS SDK nor Powertools, and does load commander (the recorder sees imports)', () => {
    const urls = importsOf(['--help']);
    expect(urls.some((u) => u.includes('/node_modules/commander/'))).toBe(true);
    expect(awsSdk(urls)).toEqual([]);
  });

  it('process of a local file loads neither the AWS SDK nor Powertools', () => {
    const log = path.join(dir, 'small.log');
    writeFileSync(log, '2026-11-26T00:00:00.000Z ERROR orders payment declined\n');
    const urls = importsOf(['process', log, '--out', path.join(dir, 'out'), '--json']);
    expect(urls.some((u) => u.endsWith('/processToDirectory.ts'))).toBe(true);
    expect(awsSdk(urls)).toEqual([]);
  });

  it('process of an s3:// object does load the S3 client (the check can fail)', () => {
    // No endpoint answers at port 9: the command fails, after it loaded the client it needed.
    const record = path.join(dir, 'imports-s3.txt');
    writeFileSync(record, '');
    spawnSync(process.execPath, ['--import', RECORDER, SHIM, 'process', 's3://bucket/key.log', '--json'], {
      cwd: dir,
      env: childEnv({ LOGSIEVE_RECORD_IMPORTS: record, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' }),
      encoding: 'utf8',
    });
    const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(urls.some((u) => u.includes('/node_modules/@aws-sdk/client-s3/'))).toBe(true);
  });

  it('backfill loads the Step Functions client with --on-aws only (the check can fail)', () => {
    // As above, port 9: each run fails on its first call, after it loaded the clients it needed.
    const record = (args: string[]): string[] => {
      const file = path.join(dir, `imports-bf-${Math.random().toString(36).slice(2)}.txt`);
      writeFileSync(file, '');
      spawnSync(process.execPath, ['--import', RECORDER, SHIM, 'backfill', 's3://bucket/logs/', '--json', ...args], {
        cwd: dir,
        env: childEnv({ LOGSIEVE_RECORD_IMPORTS: file, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' }),
        encoding: 'utf8',
      });
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    };
    const sfn = (urls: string[]): boolean => urls.some((u) => u.includes('/node_modules/@aws-sdk/client-sfn/'));
    const local = record([]);
    expect(local.some((u) => u.includes('/node_modules/@aws-sdk/client-s3/'))).toBe(true);
    expect(sfn(local)).toBe(false);
    expect(sfn(record(['--on-aws', '--state-machine-arn', 'arn:aws:states:us-east-1:000000000000:stateMachine:absent']))).toBe(true);
  });
});
