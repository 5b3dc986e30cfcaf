import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PIPELINE_DEFAULTS } from './constants.js';
import { FUNCTION_BUNDLE } from './functionBundle.js';
import { houseFunctionProps } from './houseFunctionProps.js';
import { grantOutputWrite, grantRollupAccess, grantSourceRead } from './processorAccess.js';

/** Props of {@link LogProcessorFunction}: NodejsFunctionProps minus what the house fixes. */
export interface LogProcessorFunctionProps extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'role' | 'logGroup' | 'logRetention'> {
  /** Retention of the function's own log group. Default 30 days. */
  readonly logRetention?: RetentionDays;
}

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
    const house = houseFunctionProps(scope, id, logRetention, environment);
    super(scope, id, {
      memorySize: PIPELINE_DEFAULTS.memorySize,
      timeout: Duration.seconds(PIPELINE_DEFAULTS.timeoutSeconds),
      ...rest,
      ...house,
      bundling: {
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLE.target,
        mainFields: [...FUNCTION_BUNDLE.mainFields],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Pin the SDK the tests ran against instead of the runtime's, which changes without notice.
        bundleAwsSDK: true,
        banner: FUNCTION_BUNDLE.banner,
        forceDockerBundling: false,
        ...bundling,
      },
    });
    house.logGroup.grantWrite(house.role);
  }

  /**
   * Lets the function read source objects under `prefix` of `bucket` ({@link grantSourceRead}).
   *
   * @example fn.bindInputBucket(inputBucket, 'logs/', inputBucket.encryptionKey);
   */
  bindInputBucket(bucket: IBucket, prefix: string, key?: IKey): void {
    grantSourceRead(this, bucket, prefix, key);
  }

  /**
   * Lets the function write outputs under `prefix` of `bucket` and names them in its environment
   * ({@link grantOutputWrite}).
   *
   * @example fn.bindOutputBucket(outputBucket, 'logsieve/', outputBucket.encryptionKey);
   */
  bindOutputBucket(bucket: IBucket, prefix: string, key?: IKey): void {
    grantOutputWrite(this, bucket, prefix, key);
  }

  /**
   * Lets the scheduled rollup writer read and write the rollups under `prefix` of `bucket`
   * ({@link grantRollupAccess}).
   *
   * @example rollupWriter.bindRollupOutputs(outputBucket, 'logsieve/', outputBucket.encryptionKey);
   */
  bindRollupOutputs(bucket: IBucket, prefix: string, key?: IKey): void {
    grantRollupAccess(this, bucket, prefix, key);
  }
}
