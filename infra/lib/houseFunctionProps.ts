import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Role as RoleType } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLE } from './functionBundle.js';

/** What both processor classes fix, whichever way their code is built. */
export interface HouseFunctionProps {
  readonly runtime: Runtime;
  readonly architecture: Architecture;
  readonly role: RoleType;
  readonly logGroup: LogGroup;
  readonly loggingFormat: LoggingFormat;
  readonly environment: Record<string, string>;
}

/**
 * The house defaults of a processing function: Node.js 22 on arm64, JSON logs in its own log group
 * (`<id>Logs`, retention default 30 days) and its own role (`<id>Role`) without
 * AWSLambdaBasicExecutionRole (log writes are granted on this log group only, by the caller once
 * the function exists), source maps enabled.
 *
 * @example const house = houseFunctionProps(scope, id, RetentionDays.ONE_MONTH, {}); super(scope, id, { ...rest, ...house });
 */
export function houseFunctionProps(scope: Construct, id: string, logRetention: RetentionDays | undefined, environment: Record<string, string> | undefined): HouseFunctionProps {
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${id}`,
  });
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.ONE_MONTH });
  return {
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    role,
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    environment: { NODE_OPTIONS: FUNCTION_BUNDLE.nodeOptions, ...environment },
  };
}
