import { describe, expect, it } from 'vitest';
import { ObjectAccessDeniedError } from '../../../functions/src/pipeline/errors.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:sts::123456789012:assumed-role/Logsieve-PipelineProcessorRole/Logsieve-PipelineProcessor';

describe('ObjectAccessDeniedError', () => {
  it('names kms:Decrypt on the key S3 named when KMS refused', () => {
    const s3Message = `User: ${ROLE} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`;
    const error = new ObjectAccessDeniedError('trail-logs', 'AWSLogs/a.json.gz', { s3Message });
    expect(error).toMatchObject({ name: 'ObjectAccessDeniedError', bucket: 'trail-logs', key: 'AWSLogs/a.json.gz', kms: true, kmsKeyArn: KEY_ARN });
    expect(error.message).toBe(
      `access denied reading s3://trail-logs/AWSLogs/a.json.gz: KMS refused to decrypt it; the function's role needs kms:Decrypt on ${KEY_ARN} ` +
        '(deploy with the logsieve setting inputBucketKeyArn; a key of another account must also allow the role in its key policy)',
    );
    expect(error.message).not.toContain('s3:GetObject');
  });

  it.each([
    ['the older KMS wording', 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.'],
    ['a KMS exception name', 'KMS.AccessDeniedException: Access to KMS is not allowed'],
    ['an explicit deny on the key', `User: ${ROLE} is not authorized to perform: kms:Decrypt with an explicit deny in a resource-based policy`],
  ])('names the bucket\'s key when S3 gives no key ARN: %s', (_, s3Message) => {
    const error = new ObjectAccessDeniedError('logs', 'a.log', { s3Message });
    expect(error).toMatchObject({ kms: true, kmsKeyArn: undefined });
    expect(error.message).toContain("needs kms:Decrypt on the bucket's KMS key (deploy with the logsieve setting inputBucketKeyArn;");
  });

  it.each([
    ['a bare Access Denied (S3 does not say who refused)', 'Access Denied'],
    ['no message at all', undefined],
    [
      'an s3:GetObject denial whose role, bucket and key are called kms-…',
      'User: arn:aws:sts::123456789012:assumed-role/kms-reader/s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::kms-audit/KMS/a.log" because no identity-based policy allows the s3:GetObject action',
    ],
    ['the read error that carries the object\'s location', 'GetObject failed: Access Denied (s3://kms-audit/KMS/a.log, code AccessDenied)'],
  ])('names s3:GetObject on the object otherwise: %s', (_, s3Message) => {
    const error = new ObjectAccessDeniedError('kms-audit', 'KMS/a.log', { s3Message, cause: new Error('denied') });
    expect(error).toMatchObject({ kms: false, kmsKeyArn: undefined });
    expect(error.message).toBe(
      "access denied reading s3://kms-audit/KMS/a.log: the function's role needs s3:GetObject on arn:aws:s3:::kms-audit/KMS/a.log (and kms:Decrypt when the bucket uses SSE-KMS)",
    );
    expect((error.cause as Error).message).toBe('denied');
  });
});
