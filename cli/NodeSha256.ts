import { createHash, createHmac } from 'node:crypto';
import type { Hash } from 'node:crypto';

/**
 * SHA-256, or HMAC-SHA-256 with a secret, from node:crypto, in the shape SigV4 signers take
 * (`update`, `digest`, `reset`).
 *
 * @example new SignatureV4({ service: 'states', region, credentials, sha256: NodeSha256 });
 */
export class NodeSha256 {
  private hash: Hash | ReturnType<typeof createHmac>;

  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | ReturnType<typeof createHmac> {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
