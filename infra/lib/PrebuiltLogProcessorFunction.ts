import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Code, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { FunctionProps } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PIPELINE_DEFAULTS } from './constants.js';
import { FUNCTION_BUNDLE } from './functionBundle.js';
import { houseFunctionProps } from './houseFunctionProps.js';
import { grantOutputWrite, grantRollupAccess, grantSourceRead } from './processorAccess.js';

/** Props of {@link PrebuiltLogProcessorFunction}: FunctionProps minus what the house and the bundle fix. */
export interface PrebuiltLogProcessorFunctionProps extends Omit<FunctionProps, 'code' | 'handler' | 'runtime' | 'architecture' | 'role' | 'logGroup' | 'logRetention'> {
  /** Directory holding the bundle `index.mjs` (handler `index.handler`) and its source map: `npm run build`'s dist/function. */
  readonly bundleDir: string;
  /** Retention of the function's own log group. Default 30 days. */
  readonly logRetention?: RetentionDays;
}

/**
 * The processing function from the bundle `npm run build` made (dist/function/index.mjs, built with
 * the same esbuild options as {@link LogProcessorFunction}), for an installed package, which
 * carries no TypeScript source and may have no esbuild: synth only zips the directory. Same house
 * defaults and bind…() helpers as LogProcessorFunction.
 *
 * @example
 * const fn = new PrebuiltLogProcessorFunction(this, 'Processor', { bundleDir: 'node_modules/logsieve/dist/function' });
 * fn.bindOutputBucket(outputBucket, 'logsieve/');
 */
export class PrebuiltLogProcessorFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: PrebuiltLogProcessorFunctionProps) {
    const { logRetention, environment, bundleDir, ...rest } = props;
    const house = houseFunctionProps(scope, id, logRetention, environment);
    super(scope, id, {
      memorySize: PIPELINE_DEFAULTS.memorySize,
      timeout: Duration.seconds(PIPELINE_DEFAULTS.timeoutSeconds),
      ...rest,
      ...house,
      code: Code.fromAsset(bundleDir),
      handler: FUNCTION_BUNDLE.handler,
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
