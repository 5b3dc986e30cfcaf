import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { NodeSha256 } from './NodeSha256.js';

/** Options of {@link createStepFunctionsClient}. */
export interface StepFunctionsClientOptions {
  region: string;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** LocalStack's endpoint; default `https://states.<region>.amazonaws.com`. */
  endpoint?: string | undefined;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
}

/** A Step Functions API call that failed; `code` is the service's error type (`ExecutionDoesNotExist`…). */
export class StepFunctionsCallError extends Error {
  override name = 'StepFunctionsCallError';

  constructor(
    readonly action: string,
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`Step Functions ${action} failed: ${code}: ${message}`);
  }
}

/** The Step Functions calls the backfill uses: any action of the JSON API, by name. */
export interface StepFunctionsClient {
  call<T>(action: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

/**
 * A minimal client of the Step Functions JSON API (`X-Amz-Target: AWSStepFunctions.<Action>`),
 * signed with SigV4 by the SDK's own `@smithy/signature-v4`, for `logsieve backfill --on-aws` and
 * the tests. The project does not depend on `@aws-sdk/client-sfn`; this file is what to replace
 * when it does.
 *
 * @example const sfn = createStepFunctionsClient({ region, credentials }); await sfn.call('StartExecution', { stateMachineArn, input });
 */
export function createStepFunctionsClient(options: StepFunctionsClientOptions): StepFunctionsClient {
  const url = new URL(options.endpoint ?? `https://states.${options.region}.amazonaws.com`);
  const signer = new SignatureV4({ service: 'states', region: options.region, credentials: options.credentials, sha256: NodeSha256 });
  return {
    async call<T>(action: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
      const body = JSON.stringify(input);
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: '/',
        query: {},
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
        body,
      });
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      const response = await fetch(url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (!response.ok) {
        const type = String(json.__type ?? json.code ?? response.status).split('#').pop() ?? '';
        throw new StepFunctionsCallError(action, type, response.status, String(json.message ?? json.Message ?? text));
      }
      return json as T;
    },
  };
}
