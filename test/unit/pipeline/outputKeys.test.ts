import { describe, expect, it } from 'vitest';
import { outputKeys, S3_KEY_MAX_BYTES } from '../../../functions/src/pipeline/outputKeys.js';

describe('outputKeys', () => {
  it('keeps an ordinary key whole', () => {
    expect(outputKeys('logsieve/', { bucket: 'b', key: 'app/x.log' })).toMatchObject({
      summary: 'logsieve/summaries/app/x.log.json',
      report: 'logsieve/summaries/app/x.log.html',
    });
    expect(outputKeys('logsieve/', { bucket: 'b', key: 'app/x.log' }).errorsPart(3)).toBe('logsieve/errors/app/x.log/part-00003.ndjson.gz');
  });

  it('bounds every output key of a 1024-byte source key to S3\'s 1024 bytes, the same way each time, distinct per key', () => {
    const keyA = `logs/${'ü'.repeat(507)}a.log`; // 1 024 bytes
    const keyB = `logs/${'ü'.repeat(507)}b.log`;
    expect(Buffer.byteLength(keyA)).toBe(S3_KEY_MAX_BYTES);
    const a = outputKeys('logsieve/', { bucket: 'b', key: keyA });
    const b = outputKeys('logsieve/', { bucket: 'b', key: keyB });
    for (const k of [a.summary, a.report, a.errorsPart(0), a.errorsPart(99_999)]) {
      expect(Buffer.byteLength(k)).toBeLessThanOrEqual(S3_KEY_MAX_BYTES);
      expect(k).toMatch(/^logsieve\/(?:summaries|errors)\/logs\/ü+~[0-9a-f]{16}/);
    }
    expect(outputKeys('logsieve/', { bucket: 'b', key: keyA })).toMatchObject({ summary: a.summary });
    expect(b.summary).not.toBe(a.summary);
  });
});
