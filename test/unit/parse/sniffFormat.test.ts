import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../../functions/src/parse/sniffFormat.js';
import { cloudWatchLogsEnvelope, controlMessage, lambdaTextLine } from '../../helpers/cloudWatchLogsEnvelope.js';

const envelope = cloudWatchLogsEnvelope([lambdaTextLine(0, 'req-1', 'ERROR', 'boom')]);

// The CloudTrail and line-format routes are covered in detectFormat.test.ts.
describe('sniffFormat', () => {
  it('routes CloudWatch Logs envelopes: concatenated, newline-separated, pretty-printed, any key order', () => {
    expect(sniffFormat(Buffer.from(JSON.stringify(envelope) + JSON.stringify(envelope)))).toBe('cloudwatch-logs');
    expect(sniffFormat(Buffer.from(`${JSON.stringify(controlMessage())}\n${JSON.stringify(envelope)}\n`))).toBe('cloudwatch-logs');
    expect(sniffFormat(Buffer.from(`\uFEFF  ${JSON.stringify(envelope, null, 4)}`))).toBe('cloudwatch-logs');
    const eventsFirst = cloudWatchLogsEnvelope(['x'], { keyOrder: 'events-first' });
    expect(sniffFormat(Buffer.from(JSON.stringify(eventsFirst, null, '\t')))).toBe('cloudwatch-logs');
  });

  it('routes a first envelope larger than the 64 KiB head by its leading keys', () => {
    const big = JSON.stringify(cloudWatchLogsEnvelope(Array.from({ length: 2_000 }, (_, i) => `INFO line ${i} ${'x'.repeat(40)}`)));
    expect(big.length).toBeGreaterThan(65_536);
    expect(sniffFormat(Buffer.from(big))).toBe('cloudwatch-logs');
    // messageType beyond the head, logEvents and logGroup in it.
    const logEvents = Array.from({ length: 2_000 }, () => ({ id: '1', timestamp: 0, message: 'y'.repeat(40) }));
    const late = JSON.stringify({ logGroup: 'g', logEvents, messageType: 'DATA_MESSAGE' });
    expect(late.indexOf('messageType')).toBeGreaterThan(65_536);
    expect(sniffFormat(Buffer.from(late))).toBe('cloudwatch-logs');
  });

  it('lets CloudTrail win, and leaves JSON logs that only mention the keys to the line formats', () => {
    expect(sniffFormat(Buffer.from('{"Records":[{"eventName":"x","messageType":"DATA_MESSAGE","logEvents":[]}]}'))).toBe('cloudtrail');
    // Nested, or in a string, the keys do not count; nor in a later line.
    expect(sniffFormat(Buffer.from('{"level":"error","body":{"messageType":"DATA_MESSAGE","logEvents":[]}}\n'))).toBe('json');
    expect(sniffFormat(Buffer.from('{"level":"error","msg":"\\"messageType\\": \\"logEvents\\":"}\n'))).toBe('json');
    expect(sniffFormat(Buffer.from(`{"level":"info","msg":"ok"}\n${JSON.stringify(envelope)}\n`))).toBe('json');
    // logEvents alone, in a whole first object, is not enough.
    expect(sniffFormat(Buffer.from('{"logEvents":[{"message":"a"}],"level":"info"}\n'))).toBe('json');
  });
});
