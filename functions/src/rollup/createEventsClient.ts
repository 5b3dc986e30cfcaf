import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { RollupError } from './errors.js';

/** An EventBridge call failed: the service's error type and message. */
export class EventsCallError extends RollupError {
  override name = 'EventsCallError';
  constructor(
    readonly action: string,
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(`EventBridge ${action} failed (${status} ${errorType}): ${message}`);
  }
}

/** A minimal EventBridge client: one signed AWS JSON 1.1 call. */
export interface EventsClient {
  call<T = unknown>(action: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

/** SHA-256 and HMAC-SHA-256 for the signer, from node:crypto. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/**
 * EventBridge over its JSON protocol (`X-Amz-Target: AWSEvents.<Action>`), signed with SigV4 and
 * the SDK's credential chain: the project has no `@aws-sdk/client-eventbridge` dependency yet, and
 * PutEvents is all the function needs. Endpoint: `AWS_ENDPOINT_URL_EVENTBRIDGE`, else
 * `AWS_ENDPOINT_URL` (LocalStack), else `https://events.<region>.amazonaws.com`. Each call is
 * bounded by a 10 s timeout.
 *
 * @example await createEventsClient(process.env).call('PutEvents', { Entries: [...] });
 */
export function createEventsClient(env: Record<string, string | undefined>): EventsClient {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = (env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? env.AWS_ENDPOINT_URL ?? `https://events.${region}.amazonaws.com`).replace(/\/+$/, '');
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials: defaultProvider(), region, service: 'events', sha256: NodeSha256 });
  return {
    async call<T>(action: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
      const payload = JSON.stringify(body);
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname || '/',
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
        body: payload,
      });
      const res = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body: payload,
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(10_000)]) : AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (!res.ok) throw new EventsCallError(action, res.status, String(json.__type ?? 'Unknown'), String(json.message ?? json.Message ?? text));
      return json as T;
    },
  };
}
