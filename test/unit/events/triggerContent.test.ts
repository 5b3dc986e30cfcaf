import { describe, expect, it } from 'vitest';
import { continuationMessage } from '../../../functions/src/events/continuationMessage.js';
import { ContinuationMessageError, UnrecognisedEventError } from '../../../functions/src/events/errors.js';
import { triggerContent } from '../../../functions/src/events/triggerContent.js';

const s3Record = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventName,
  s3: { bucket: { name: 'logs' }, object: { key, size: 42, eTag: '0123abcd', versionId: 'v1', sequencer: '00' } },
});

describe('triggerContent', () => {
  describe('continuation messages', () => {
    const message = continuationMessage({ bucket: 'logs', key: 'a b/x.log', etag: 'abc', versionId: 'v2' }, 'logsieve/checkpoints/a b/x.log.json', 3);

    it('reads a continuation message back into its ref, key as written (not URL-encoded)', () => {
      expect(triggerContent(JSON.parse(JSON.stringify(message)), 'm-1')).toEqual({
        refs: [{ bucket: 'logs', key: 'a b/x.log', etag: 'abc', versionId: 'v2', continuation: { checkpointKey: 'logsieve/checkpoints/a b/x.log.json', sequence: 3 } }],
        ignored: [],
      });
    });

    it.each([
      [{ logsieve: 'continuation/2' }, 'logsieve', /must be "continuation\/1", got "continuation\/2"/],
      [{ bucket: '' }, 'bucket', /bucket must be a non-empty string, got ""/],
      [{ key: 7 }, 'key', /key must be a non-empty string, got 7/],
      [{ checkpointKey: undefined }, 'checkpointKey', /checkpointKey must be a non-empty string/],
      [{ sequence: -1 }, 'sequence', /sequence must be an integer ≥ 0, got -1/],
      [{ sequence: '2' }, 'sequence', /sequence must be an integer ≥ 0, got "2"/],
      [{ etag: 5 }, 'etag', /etag must be a non-empty string, got 5/],
    ])('refuses a bad one with a typed error naming the field (%j)', (change, field, text) => {
      const bad = { ...message, ...change };
      let caught: unknown;
      try {
        triggerContent(bad, 'm-2');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ContinuationMessageError);
      expect((caught as ContinuationMessageError).field).toBe(field);
      expect((caught as ContinuationMessageError).messageId).toBe('m-2');
      expect((caught as Error).message).toMatch(/^continuation message m-2: /);
      expect((caught as Error).message).toMatch(text);
    });
  });

  it('reads S3 notification records and URL-decodes their keys', () => {
    expect(triggerContent({ Records: [s3Record('a/my+app%C3%A9.log')] })).toEqual({
      refs: [{ bucket: 'logs', key: 'a/my appé.log', size: 42, etag: '0123abcd', versionId: 'v1' }],
      ignored: [],
    });
  });

  it('ignores non-create S3 events with a reason', () => {
    const content = triggerContent({ Records: [s3Record('x.log', 'ObjectRemoved:Delete'), s3Record('y.log')] });
    expect(content.refs.map((r) => r.key)).toEqual(['y.log']);
    expect(content.ignored).toEqual(['ObjectRemoved:Delete for s3://logs/x.log']);
  });

  it('recognises and ignores s3:TestEvent', () => {
    expect(triggerContent({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'logs' })).toEqual({
      refs: [],
      ignored: ['s3:TestEvent for bucket logs'],
    });
  });

  it('reads an EventBridge Object Created event', () => {
    const event = {
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'logs' }, object: { key: 'dir/a+b.log', size: 7, etag: 'ff', 'version-id': 'v9' } },
    };
    expect(triggerContent(event).refs).toEqual([{ bucket: 'logs', key: 'dir/a b.log', size: 7, etag: 'ff', versionId: 'v9' }]);
  });

  it('drops the literal "null" version id of unversioned buckets', () => {
    const record = s3Record('k');
    (record.s3.object as { versionId: string }).versionId = 'null';
    expect(triggerContent({ Records: [record] }).refs[0]).not.toHaveProperty('versionId');
  });

  it.each([
    ['a string', 'hello'],
    ['an unrelated object', { hello: 'world' }],
    ['a record without s3', { Records: [{ eventSource: 'aws:sns' }] }],
    ['a record without a key', { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: {} } }] }],
  ])('rejects %s with a typed error naming the message', (_, payload) => {
    expect(() => triggerContent(payload, 'msg-7')).toThrow(UnrecognisedEventError);
    try {
      triggerContent(payload, 'msg-7');
    } catch (err) {
      expect((err as UnrecognisedEventError).messageId).toBe('msg-7');
    }
  });
});
