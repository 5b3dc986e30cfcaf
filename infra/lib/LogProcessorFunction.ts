import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeResourceFinding } from './acknowledgeFinding.js';
import { PIPELINE_DEFAULTS } from './constants.js';

/** Props of {@link LogProcessorFunction}: NodejsFunctionProps minus what the house fixes. */
export interface LogProcessorFunctionProps extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'role' | 'logGroup' | 'logRetention'> {
  /** Retention of the function's own log group. Default 30 days. */
  readonly logRetention?: RetentionDays;
}

// esbuild's ESM output calls require() for Node built-ins pulled in by CommonJS dependencies.
const ESM_REQUIRE_SHIM = "import { createRequire as __logsieveCreateRequire } from 'node:module'; const require = __logsieveCreateRequire(import.meta.url);";

/**
 * A NodejsFunction with the house defaults: Node.js 22 on arm64, an ESM bundle built by local
 * esbuild (never Docker) with the AWS SDK bundled and linked source maps, JSON logs in its own log
 * group with retention, and a role that holds nothing but what the bind…() helpers add.
 *
 * @example
 * const fn = new LogProcessorFunction(this, 'Processor', { entry: 'functions/handlers/processLog.ts' });
 * fn.bindOutputBucket(outputBucket, 'logsieve/');
 */
export class LogProcessorFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LogProcessorFunctionProps) {
    const { logRetention, bundling, environment, ...rest } = props;
    // Own role without AWSLambdaBasicExecutionRole: log writes are granted on this log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.ONE_MONTH });
    super(scope, id, {
      memorySize: PIPELINE_DEFAULTS.memorySize,
      timeout: Duration.seconds(PIPELINE_DEFAULTS.timeoutSeconds),
      ...rest,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Pin the SDK the tests ran against instead of the runtime's, which changes without notice.
        bundleAwsSDK: true,
        banner: ESM_REQUIRE_SHIM,
        forceDockerBundling: false,
        ...bundling,
      },
    });
    logGroup.grantWrite(role);
  }

  /**
   * Lets the function read source objects under `prefix` of `bucket` (s3:GetObject only; the
   * bucket name comes with each event, so no environment variable). With `key` (the bucket's
   * SSE-KMS key) also kms:Decrypt on that key, only through S3 for this bucket (see kmsThroughS3).
   *
   * @example fn.bindInputBucket(inputBucket, 'logs/', inputBucket.encryptionKey);
   */
  bindInputBucket(bucket: IBucket, prefix: string, key?: IKey): void {
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.addToRolePolicy(new PolicyStatement({ sid: 'ReadSourceObjects', actions: ['s3:GetObject'], resources: [objects] }));
    this.acknowledgeObjectWildcard(objects, 'reads source objects whose keys arrive in events; the wildcard covers the input prefix only');
    if (key) this.addToRolePolicy(kmsThroughS3('DecryptSourceObjects', ['kms:Decrypt'], key, bucket, objects));
  }

  /**
   * Lets the function write outputs under `prefix` of `bucket` and sets LOGSIEVE_OUTPUT_BUCKET and
   * LOGSIEVE_OUTPUT_PREFIX. Grants: s3:PutObject (covers multipart create/part/complete) and
   * s3:AbortMultipartUpload on `<prefix>*`; s3:GetObject (GetObject/HeadObject) on
   * `<prefix>summaries/*` for the idempotency check; s3:ListBucket limited by s3:prefix to
   * `<prefix>summaries/*`, so a missing summary answers 404 rather than 403. With `key` (the
   * bucket's default SSE-KMS key) also kms:GenerateDataKey (new objects) and kms:Decrypt (the parts
   * of a multipart upload, reading summaries back) on that key, only through S3 for `<prefix>*`.
   * Writes send no encryption header: the bucket's default encryption applies.
   *
   * @example fn.bindOutputBucket(outputBucket, 'logsieve/', outputBucket.encryptionKey);
   */
  bindOutputBucket(bucket: IBucket, prefix: string, key?: IKey): void {
    const outputs = bucket.arnForObjects(`${prefix}*`);
    const summaries = bucket.arnForObjects(`${prefix}summaries/*`);
    this.addToRolePolicy(new PolicyStatement({ sid: 'WriteOutputs', actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [outputs] }));
    this.addToRolePolicy(new PolicyStatement({ sid: 'ReadSummaries', actions: ['s3:GetObject'], resources: [summaries] }));
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'SummaryNotFoundAs404',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}summaries/*`] } },
      }),
    );
    this.addEnvironment('LOGSIEVE_OUTPUT_BUCKET', bucket.bucketName);
    this.addEnvironment('LOGSIEVE_OUTPUT_PREFIX', prefix);
    this.acknowledgeObjectWildcard(outputs, 'writes summaries and error parts named after each source key; the wildcard covers the output prefix only');
    this.acknowledgeObjectWildcard(summaries, 'reads back the summary of a source key to skip work already done; the wildcard covers <outputPrefix>summaries/ only');
    if (key) this.addToRolePolicy(kmsThroughS3('EncryptOutputs', ['kms:GenerateDataKey', 'kms:Decrypt'], key, bucket, outputs));
  }

  /**
   * Lets the scheduled rollup writer read the summaries and rollups under `prefix` of `bucket`,
   * write `<prefix>rollups/*`, delete its dirty markers (`<prefix>rollups/dirty/*`) and list
   * `<prefix>rollups/*` (the index and the markers), and sets LOGSIEVE_OUTPUT_BUCKET and
   * LOGSIEVE_OUTPUT_PREFIX; with `key`, kms:GenerateDataKey + kms:Decrypt through S3 as for outputs.
   *
   * @example rollupWriter.bindRollupOutputs(outputBucket, 'logsieve/', outputBucket.encryptionKey);
   */
  bindRollupOutputs(bucket: IBucket, prefix: string, key?: IKey): void {
    const summaries = bucket.arnForObjects(`${prefix}summaries/*`);
    const rollups = bucket.arnForObjects(`${prefix}rollups/*`);
    const markers = bucket.arnForObjects(`${prefix}rollups/dirty/*`);
    this.addToRolePolicy(new PolicyStatement({ sid: 'ReadSummariesAndRollups', actions: ['s3:GetObject'], resources: [summaries, rollups] }));
    this.addToRolePolicy(new PolicyStatement({ sid: 'WriteRollups', actions: ['s3:PutObject'], resources: [rollups] }));
    this.addToRolePolicy(new PolicyStatement({ sid: 'DeleteDirtyMarkers', actions: ['s3:DeleteObject'], resources: [markers] }));
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListRollupIndex',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}rollups/*`] } },
      }),
    );
    this.addEnvironment('LOGSIEVE_OUTPUT_BUCKET', bucket.bucketName);
    this.addEnvironment('LOGSIEVE_OUTPUT_PREFIX', prefix);
    this.acknowledgeObjectWildcard(summaries, 'reads the summaries the rollup index names; the wildcard covers <outputPrefix>summaries/ only');
    this.acknowledgeObjectWildcard(rollups, 'reads and writes the hourly and daily rollups of <outputPrefix>rollups/ only');
    this.acknowledgeObjectWildcard(markers, 'deletes the dirty-hour markers it has rolled up, under <outputPrefix>rollups/dirty/ only');
    if (key) this.addToRolePolicy(kmsThroughS3('EncryptRollups', ['kms:GenerateDataKey', 'kms:Decrypt'], key, bucket, bucket.arnForObjects(`${prefix}*`)));
  }

  private acknowledgeObjectWildcard(resource: string, why: string): void {
    acknowledgeResourceFinding(this.role as IRole, 'AwsSolutions-IAM5', resource, `The function ${why}.`);
  }
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
