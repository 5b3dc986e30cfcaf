import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/src/config/errors.js';
import { loadConfig } from '../../../functions/src/config/loadConfig.js';
import { parseRules } from '../../../functions/src/parse/parseRules.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket' })).toEqual({
      outputBucket: 'out-bucket',
      outputPrefix: 'logsieve/',
      maxLineBytes: 1024 * 1024,
      longLines: 'truncate',
      concurrency: 4,
      forceReprocess: false,
      rollups: true,
      rules: parseRules({}),
      continuation: true,
      continuationQueueUrl: undefined,
      maxInvocations: 100,
      deadlineMarginMs: undefined,
    });
  });

  it('reads the continuation settings, and refuses bad ones naming the variable', () => {
    const config = loadConfig({
      LOGSIEVE_OUTPUT_BUCKET: 'out-bucket',
      LOGSIEVE_CONTINUATION: 'false',
      LOGSIEVE_CONTINUATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/logs',
      LOGSIEVE_MAX_INVOCATIONS: '7',
      LOGSIEVE_DEADLINE_MARGIN_MS: '250',
    });
    expect(config).toMatchObject({ continuation: false, continuationQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/logs', maxInvocations: 7, deadlineMarginMs: 250 });
    expect(() => loadConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_CONTINUATION_QUEUE_URL: 'my-queue' })).toThrow(/LOGSIEVE_CONTINUATION_QUEUE_URL: expected an SQS queue URL/);
    expect(() => loadConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_MAX_INVOCATIONS: '1' })).toThrow(/LOGSIEVE_MAX_INVOCATIONS: expected an integer from 2 to 10000, got "1"/);
    expect(() => loadConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_DEADLINE_MARGIN_MS: '5' })).toThrow(/LOGSIEVE_DEADLINE_MARGIN_MS: expected an integer from 100 to 600000/);
  });

  it('reads every setting and adds the trailing slash to the prefix', () => {
    const config = loadConfig({
      LOGSIEVE_OUTPUT_BUCKET: 'out-bucket',
      LOGSIEVE_OUTPUT_PREFIX: 'results',
      LOGSIEVE_MAX_LINE_BYTES: '4096',
      LOGSIEVE_LONG_LINES: 'skip',
      LOGSIEVE_CONCURRENCY: '8',
      LOGSIEVE_FORCE_REPROCESS: 'true',
    });
    expect(config).toMatchObject({ outputPrefix: 'results/', maxLineBytes: 4096, longLines: 'skip', concurrency: 8, forceReprocess: true });
  });

  it('reads the rules from LOGSIEVE_RULES', () => {
    const config = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_RULES: '{"minLevel":"warn","exclude":["healthcheck"]}' });
    expect(config.rules.minLevel).toBe('warn');
    expect(config.rules.exclude.map((r) => r.source)).toEqual(['healthcheck']);
  });

  it.each([
    [{}, 'LOGSIEVE_OUTPUT_BUCKET', /is required/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'Bad_Bucket' }, 'LOGSIEVE_OUTPUT_BUCKET', /expected an S3 bucket name, got "Bad_Bucket"/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_OUTPUT_PREFIX: '/abs' }, 'LOGSIEVE_OUTPUT_PREFIX', /must not start with/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_MAX_LINE_BYTES: '12abc' }, 'LOGSIEVE_MAX_LINE_BYTES', /integer from 1024 to 67108864, got "12abc"/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_CONCURRENCY: '0' }, 'LOGSIEVE_CONCURRENCY', /from 1 to 32, got "0"/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_LONG_LINES: 'drop' }, 'LOGSIEVE_LONG_LINES', /"truncate" or "skip", got "drop"/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_FORCE_REPROCESS: 'maybe' }, 'LOGSIEVE_FORCE_REPROCESS', /true or false, got "maybe"/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_RULES: '{minLevel:' }, 'LOGSIEVE_RULES', /not valid JSON/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_RULES: '{"minLevel":"loud"}' }, 'LOGSIEVE_RULES', /rules\.minLevel: expected one of/],
    [{ LOGSIEVE_OUTPUT_BUCKET: 'ok-b', LOGSIEVE_RULES_FILE: '/nonexistent/rules.json' }, 'LOGSIEVE_RULES_FILE', /cannot read "\/nonexistent\/rules.json"/],
  ])('rejects %j naming %s', (env, setting, message) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).setting).toBe(setting);
    expect((caught as ConfigError).message).toMatch(message);
  });
});
