import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { acknowledgeResourceFinding } from './acknowledgeFinding.js';

/**
 * Lets `fn` read source objects under `prefix` of `bucket` (s3:GetObject only; the bucket name
 * comes with each event, so no environment variable). With `key` (the bucket's SSE-KMS key) also
 * kms:Decrypt on that key, only through S3 for this bucket (see kmsThroughS3). The body of both
 * processor classes' `bindInputBucket`.
 *
 * @example grantSourceRead(fn, inputBucket, 'logs/', inputBucket.encryptionKey);
 */
export function grantSourceRead(fn: LambdaFunction, bucket: IBucket, prefix: string, key?: IKey): void {
  const objects = bucket.arnForObjects(`${prefix}*`);
  fn.addToRolePolicy(new PolicyStatement({ sid: 'ReadSourceObjects', actions: ['s3:GetObject'], resources: [objects] }));
  acknowledgeObjectWildcard(fn, objects, 'reads source objects whose keys arrive in events; the wildcard covers the input prefix only');
  if (key) fn.addToRolePolicy(kmsThroughS3('DecryptSourceObjects', ['kms:Decrypt'], key, bucket, objects));
}

/**
 * Lets `fn` write outputs under `prefix` of `bucket` and sets LOGSIEVE_OUTPUT_BUCKET and
 * LOGSIEVE_OUTPUT_PREFIX. Grants: s3:PutObject (covers multipart create/part/complete) and
 * s3:AbortMultipartUpload on `<prefix>*`; s3:GetObject (GetObject/HeadObject) on
 * `<prefix>summaries/*` for the idempotency check; s3:ListBucket limited by s3:prefix to
 * `<prefix>summaries/*`, so a missing summary answers 404 rather than 403. With `key` (the
 * bucket's default SSE-KMS key) also kms:GenerateDataKey (new objects) and kms:Decrypt (the parts
 * of a multipart upload, reading summaries back) on that key, only through S3 for `<prefix>*`.
 * Writes send no encryption header: the bucket's default encryption applies. The body of both
 * processor classes' `bindOutputBucket`.
 *
 * @example grantOutputWrite(fn, outputBucket, 'logsieve/', outputBucket.encryptionKey);
 */
export function grantOutputWrite(fn: LambdaFunction, bucket: IBucket, prefix: string, key?: IKey): void {
  const outputs = bucket.arnForObjects(`${prefix}*`);
  const summaries = bucket.arnForObjects(`${prefix}summaries/*`);
  fn.addToRolePolicy(new PolicyStatement({ sid: 'WriteOutputs', actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [outputs] }));
  fn.addToRolePolicy(new PolicyStatement({ sid: 'ReadSummaries', actions: ['s3:GetObject'], resources: [summaries] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      sid: 'SummaryNotFoundAs404',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}summaries/*`] } },
    }),
  );
  fn.addEnvironment('LOGSIEVE_OUTPUT_BUCKET', bucket.bucketName);
  fn.addEnvironment('LOGSIEVE_OUTPUT_PREFIX', prefix);
  acknowledgeObjectWildcard(fn, outputs, 'writes summaries and error parts named after each source key; the wildcard covers the output prefix only');
  acknowledgeObjectWildcard(fn, summaries, 'reads back the summary of a source key to skip work already done; the wildcard covers <outputPrefix>summaries/ only');
  if (key) fn.addToRolePolicy(kmsThroughS3('EncryptOutputs', ['kms:GenerateDataKey', 'kms:Decrypt'], key, bucket, outputs));
}

/**
 * Lets the processing function continue an object past its deadline (README, "Continuation"):
 * s3:GetObject and s3:DeleteObject on its checkpoints (`<prefix>checkpoints/*`; PutObject is
 * {@link grantOutputWrite}'s), s3:DeleteObject on `<prefix>errors/*` (the parts of an attempt whose
 * object was replaced are removed), s3:ListBucket limited to `<prefix>checkpoints/*` (a missing
 * checkpoint answers 404, not 403), sqs:SendMessage on `queue`, and sets LOGSIEVE_CONTINUATION_QUEUE_URL.
 *
 * @example grantContinuation(fn, outputBucket, 'logsieve/', queue);
 */
export function grantContinuation(fn: LambdaFunction, bucket: IBucket, prefix: string, queue: IQueue): void {
  const checkpoints = bucket.arnForObjects(`${prefix}checkpoints/*`);
  const parts = bucket.arnForObjects(`${prefix}errors/*`);
  fn.addToRolePolicy(new PolicyStatement({ sid: 'Checkpoints', actions: ['s3:GetObject', 's3:DeleteObject'], resources: [checkpoints] }));
  fn.addToRolePolicy(new PolicyStatement({ sid: 'DeleteReplacedObjectParts', actions: ['s3:DeleteObject'], resources: [parts] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      sid: 'CheckpointNotFoundAs404',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}checkpoints/*`] } },
    }),
  );
  fn.addToRolePolicy(new PolicyStatement({ sid: 'SendContinuations', actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  fn.addEnvironment('LOGSIEVE_CONTINUATION_QUEUE_URL', queue.queueUrl);
  acknowledgeObjectWildcard(fn, checkpoints, 'reads, replaces and deletes the checkpoint of an object continued past its deadline; the wildcard covers <outputPrefix>checkpoints/ only');
  acknowledgeObjectWildcard(fn, parts, 'deletes the error parts of an attempt whose source object was replaced mid-way; the wildcard covers <outputPrefix>errors/ only');
}

/**
 * Lets the scheduled rollup writer read the summaries and rollups under `prefix` of `bucket`,
 * write `<prefix>rollups/*`, delete its dirty markers (`<prefix>rollups/dirty/*`) and list
 * `<prefix>rollups/*` (the index and the markers), and sets LOGSIEVE_OUTPUT_BUCKET and
 * LOGSIEVE_OUTPUT_PREFIX; with `key`, kms:GenerateDataKey + kms:Decrypt through S3 as for outputs.
 * The body of both function classes' `bindRollupOutputs`.
 *
 * @example grantRollupAccess(rollupWriter, outputBucket, 'logsieve/', outputBucket.encryptionKey);
 */
export function grantRollupAccess(fn: LambdaFunction, bucket: IBucket, prefix: string, key?: IKey): void {
  const summaries = bucket.arnForObjects(`${prefix}summaries/*`);
  const rollups = bucket.arnForObjects(`${prefix}rollups/*`);
  const markers = bucket.arnForObjects(`${prefix}rollups/dirty/*`);
  fn.addToRolePolicy(new PolicyStatement({ sid: 'ReadSummariesAndRollups', actions: ['s3:GetObject'], resources: [summaries, rollups] }));
  fn.addToRolePolicy(new PolicyStatement({ sid: 'WriteRollups', actions: ['s3:PutObject'], resources: [rollups] }));
  fn.addToRolePolicy(new PolicyStatement({ sid: 'DeleteDirtyMarkers', actions: ['s3:DeleteObject'], resources: [markers] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      sid: 'ListRollupIndex',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}rollups/*`] } },
    }),
  );
  fn.addEnvironment('LOGSIEVE_OUTPUT_BUCKET', bucket.bucketName);
  fn.addEnvironment('LOGSIEVE_OUTPUT_PREFIX', prefix);
  acknowledgeObjectWildcard(fn, summaries, 'reads the summaries the rollup index names; the wildcard covers <outputPrefix>summaries/ only');
  acknowledgeObjectWildcard(fn, rollups, 'reads and writes the hourly and daily rollups of <outputPrefix>rollups/ only');
  acknowledgeObjectWildcard(fn, markers, 'deletes the dirty-hour markers it has rolled up, under <outputPrefix>rollups/dirty/ only');
  if (key) fn.addToRolePolicy(kmsThroughS3('EncryptRollups', ['kms:GenerateDataKey', 'kms:Decrypt'], key, bucket, bucket.arnForObjects(`${prefix}*`)));
}

function acknowledgeObjectWildcard(fn: LambdaFunction, resource: string, why: string): void {
  acknowledgeResourceFinding(fn.role as IRole, 'AwsSolutions-IAM5', resource, `The function ${why}.`);
}

/**
 * `actions` on `key` only when S3 in the key's region asks on the function's behalf
 * (kms:ViaService) and only for `bucket`: S3 passes the object ARN as encryption context
 * `aws:s3:arn`, or the bucket ARN when the bucket uses an S3 Bucket Key, so both are allowed.
 */
function kmsThroughS3(sid: string, actions: string[], key: IKey, bucket: IBucket, objects: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions,
    resources: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `s3.${key.env.region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, objects] },
    },
  });
}
