import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudTrailParseError } from '../../../functions/src/parse/errors.js';
import { fixture, runCloudTrail } from './helpers.js';

const doc = Buffer.from(fixture('cloudtrail.json'));

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('cloudTrailRecords', () => {
  it('emits errorCode events and failed console sign-ins only', async () => {
    const { records, stats } = await runCloudTrail([doc]);
    expect(records.map((r) => [r.firstLine, r.class])).toEqual([[2, 'aws-error-code'], [3, 'console-login-failure']]);
    expect(records[0]).toMatchObject({
      format: 'cloudtrail', level: 'error', timestamp: '2024-03-01T10:00:01.000Z',
      message: 'ec2.amazonaws.com RunInstances: Client.UnauthorizedOperation You are not authorized to perform this operation.',
    });
    expect(records[0]!.fields).toMatchObject({ errorCode: 'Client.UnauthorizedOperation', eventName: 'RunInstances' });
    expect(stats).toMatchObject({ format: 'cloudtrail', events: 4, records: 2 });
  });

  it('byteOffset points at the opening brace of the event', async () => {
    const { records } = await runCloudTrail([doc]);
    for (const r of records) expect(doc[r.byteOffset]).toBe('{'.charCodeAt(0));
    expect(JSON.parse(doc.subarray(records[0]!.byteOffset).toString().split('},{"eventVersion"')[0]! + '}').eventName).toBe('RunInstances');
  });

  it('gives the same records whatever the chunking', async () => {
    const expected = (await runCloudTrail([doc])).records;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), async (size) => {
        expect((await runCloudTrail(chunksOf(doc, size))).records).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('streams a document with many events and one huge line', async () => {
    const events = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({
      eventVersion: '1.08', eventTime: '2024-03-01T10:00:00Z', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt',
      ...(i % 1000 === 0 ? { errorCode: 'AccessDenied', errorMessage: `denied ${i}` } : {}),
    }));
    const big = Buffer.from(`{"Records":[${events.join(',')}]}`);
    const { records, stats } = await runCloudTrail(chunksOf(big, 65_536));
    expect(records.map((r) => r.firstLine)).toEqual([1, 1001, 2001, 3001, 4001]);
    expect(new Set(records.map((r) => r.groupId)).size).toBe(1);
    expect(stats.events).toBe(5_000);
  });

  it('redacts access key ids in raw', async () => {
    const { records } = await runCloudTrail([doc], { minLevel: 'any' });
    expect(records).toHaveLength(4);
    expect(records[0]!.raw).not.toContain('AKIAEXAMPLEEXAMPLE12');
    expect(records[0]!.raw).toContain('[REDACTED:aws-access-key-id]');
  });

  it('throws a CloudTrailParseError for invalid or cut JSON and for a non-Records document', async () => {
    await expect(runCloudTrail([Buffer.from('{"Records":[{"a":1},{')])).rejects.toThrow(CloudTrailParseError);
    await expect(runCloudTrail([Buffer.from('{"Records":[{"a":1}}')])).rejects.toThrow(CloudTrailParseError);
    await expect(runCloudTrail([Buffer.from('{"foo":1}')])).rejects.toThrow(/Records/);
    await expect(runCloudTrail([Buffer.from('{"Digest":[{"a":1}]}')])).rejects.toThrow(/Records/);
  });
});
