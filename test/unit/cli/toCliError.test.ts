import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/src/config/errors.js';
import { RulesConfigError } from '../../../functions/src/parse/errors.js';
import { ErrorPartWriteError } from '../../../functions/src/output/errors.js';
import { S3ReadError } from '../../../functions/src/stream/errors.js';
import { LocalStackUnavailableError } from '../../../dev/localstack/errors.js';
import { EXIT } from '../../../cli/constants.js';
import { CliError, UsageError } from '../../../cli/errors.js';
import { toCliError } from '../../../cli/toCliError.js';

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

describe('toCliError', () => {
  it('keeps a CliError as it is', () => {
    const err = new UsageError('bad');
    expect(toCliError(err)).toBe(err);
  });

  it('maps a missing object or bucket, even wrapped, to 3 with the URI', () => {
    const missing = new S3ReadError('GetObject failed: NoSuchKey', { bucket: 'b', key: 'a/x.log', code: 'NoSuchKey' });
    const wrapped = new ErrorPartWriteError('out', 'k', 0, { cause: missing });
    const mapped = toCliError(wrapped);
    expect(mapped.exitCode).toBe(EXIT.notFound);
    expect(mapped.message).toBe('s3://b/a/x.log: no such object');
    expect(toCliError(new S3ReadError('x', { bucket: 'nb', key: 'k', code: 'NoSuchBucket' })).message).toBe('s3://nb/k: no such bucket');
  });

  it('maps a refused connection anywhere in the cause chain, or in an AggregateError, to 4 naming the endpoint', () => {
    const deep = new S3ReadError('GetObject failed', { bucket: 'b', key: 'k', code: 'Unknown', cause: new AggregateError([refused()], 'all failed') });
    const mapped = toCliError(deep, { endpoint: 'http://127.0.0.1:1' });
    expect(mapped.exitCode).toBe(EXIT.unreachable);
    expect(mapped.message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('maps LocalStack that cannot be started to 4', () => {
    expect(toCliError(new LocalStackUnavailableError(['LOCALSTACK_ENDPOINT: not set', 'host: no python'])).exitCode).toBe(EXIT.unreachable);
  });

  it('maps a bad setting or rule to 5', () => {
    expect(toCliError(new ConfigError('LOGSIEVE_CONCURRENCY', 'expected an integer')).exitCode).toBe(EXIT.badConfig);
    const rules = toCliError(new RulesConfigError('minLevel', 'a level', 'loud'));
    expect(rules.exitCode).toBe(EXIT.badConfig);
    expect(rules.message).toContain('rules.minLevel');
  });

  it('keeps the first line of anything else, code 1', () => {
    const mapped = toCliError(new Error('disk full\nstack-ish detail'));
    expect(mapped).toBeInstanceOf(CliError);
    expect(mapped.exitCode).toBe(EXIT.failure);
    expect(mapped.message).toBe('disk full');
  });
});
