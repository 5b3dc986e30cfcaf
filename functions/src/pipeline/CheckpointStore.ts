import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { readJsonObject } from '../output/readJsonObject.js';
import { CheckpointConflictError, CheckpointInvalidError } from './errors.js';
import type { Checkpoint } from './types.js';
import { CHECKPOINT_SCHEMA } from './types.js';

/** A checkpoint as read, with the ETag a replace must match. */
export interface LoadedCheckpoint<State = unknown> {
  checkpoint: Checkpoint<State>;
  etag: string;
}

/** Conditional-write failures S3 answers: 412 PreconditionFailed, 409 ConditionalRequestConflict (a concurrent write), 404 for If-Match on a key gone. */
const CONFLICTS = new Set(['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey']);

/**
 * Reads and writes checkpoints in the output bucket. `create` sends If-None-Match: * and `replace`
 * If-Match: <ETag read>, so of two invocations moving the same checkpoint on, one wins and the
 * other gets a {@link CheckpointConflictError}; nothing else writes them. One checkpoint is one
 * small JSON document (the engine's state is bounded by the groups and template bounds, see README's limits).
 *
 * @example const store = new CheckpointStore(s3, 'out'); const loaded = await store.load('logsieve/checkpoints/app.log.json');
 */
export class CheckpointStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** The checkpoint under `key`, or undefined when there is none. @throws CheckpointInvalidError for a document that is not one. */
  async load<State>(key: string): Promise<LoadedCheckpoint<State> | undefined> {
    const found = await readJsonObject<Checkpoint<State>>(this.s3, this.bucket, key, (e) => new CheckpointInvalidError(this.bucket, key, `not JSON: ${e.message}`, { cause: e }), this.signal);
    if (!found) return undefined;
    const { doc } = found;
    const bad = invalidField(doc);
    if (bad) throw new CheckpointInvalidError(this.bucket, key, bad);
    if (!found.etag) throw new CheckpointInvalidError(this.bucket, key, 'S3 returned no ETag');
    return { checkpoint: doc, etag: found.etag };
  }

  /** Writes a new checkpoint; the ETag written. @throws CheckpointConflictError when one exists. */
  create(key: string, checkpoint: Checkpoint): Promise<string> {
    return this.put(key, checkpoint, { IfNoneMatch: '*' }, 'create');
  }

  /** Replaces the checkpoint read with ETag `etag`; the new ETag. @throws CheckpointConflictError when it changed or is gone. */
  replace(key: string, checkpoint: Checkpoint, etag: string): Promise<string> {
    return this.put(key, checkpoint, { IfMatch: etag }, 'replace');
  }

  /** Removes the checkpoint (after the final summary). S3 deletes are not conditional here: by then no other invocation may hold it. */
  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: this.signal });
  }

  private async put(key: string, checkpoint: Checkpoint, condition: { IfNoneMatch?: string; IfMatch?: string }, write: 'create' | 'replace'): Promise<string> {
    try {
      const res = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(checkpoint), ContentType: 'application/json', ...condition }),
        { abortSignal: this.signal },
      );
      return res.ETag ?? '';
    } catch (err) {
      if (CONFLICTS.has((err as { name?: string }).name ?? '')) throw new CheckpointConflictError(this.bucket, key, write, { cause: err });
      throw err;
    }
  }
}

function invalidField(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const c = doc as Partial<Checkpoint>;
  if (c.schema !== CHECKPOINT_SCHEMA) return `schema is ${JSON.stringify(c.schema)}, expected "${CHECKPOINT_SCHEMA}"`;
  if (typeof c.source?.bucket !== 'string' || typeof c.source.key !== 'string') return 'source.bucket or source.key missing';
  if (!Number.isInteger(c.sequence) || (c.sequence as number) < 0) return 'sequence is not an integer ≥ 0';
  if (!Array.isArray(c.parts)) return 'parts is not an array';
  if (typeof c.processing?.startedAt !== 'string') return 'processing.startedAt missing';
  if (typeof c.savedAt !== 'string' || Number.isNaN(Date.parse(c.savedAt))) return 'savedAt is not a time';
  return undefined;
}
