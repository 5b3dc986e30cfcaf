import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/types.js';
import type { ContinuationMessage } from '../events/continuationMessage.js';
import { continuationMessage } from '../events/continuationMessage.js';
import type { ObjectRef } from '../events/types.js';
import type { ResumeEvent } from '../stream/resumeBody.js';
import { s3Source } from '../stream/s3Source.js';
import type { Progress } from './analyzeBytes.js';
import { CheckpointStore } from './CheckpointStore.js';
import { CheckpointConflictError } from './errors.js';
import { causeOfType } from './causeOfType.js';
import { outputKeys } from './outputKeys.js';
import { resumeObject } from './resumeObject.js';
import { runPass } from './runPass.js';
import { settleObject } from './settleObject.js';
import { sourceIdentity } from './sourceIdentity.js';
import { hasCompleteSummary } from './summaryMetadata.js';
import type { Summary } from './types.js';
import { CHECKPOINT_SCHEMA } from './types.js';

export type { Progress } from './analyzeBytes.js';

/** What `processObject` needs from its caller; built once per Lambda container. */
export interface ProcessDeps {
  s3: S3Client;
  config: Config;
}

/** Per-call options of `processObject`. */
export interface ProcessOptions {
  signal?: AbortSignal;
  /**
   * Stops reading the object when it fires (the invocation's deadline). With `continuation`, the
   * object is checkpointed and continued (outcome `continued`); without, what was found is still
   * written, with a `failed` summary that says how far it got, and the outcome is `stopped`.
   */
  stopReading?: AbortSignal;
  /** Sends a continuation message (see `createContinuationSender`); none: objects are never continued. */
  continuation?: (message: ContinuationMessage) => Promise<void>;
  /**
   * Who this invocation is, until when (epoch ms: its timeout plus a grace) it may hold a checkpoint,
   * and that length: a checkpoint nobody took up for longer is orphaned.
   */
  lease?: { owner: string; untilMs: number; lengthMs: number };
  /** Called about every 5 s while an object is read. */
  onProgress?: (progress: Progress) => void;
  /** Called before a cut GetObject body is resumed with a Range request. */
  onResume?: (event: ResumeEvent) => void;
}

/** The outcome for one object. */
export type ProcessResult =
  | { outcome: 'processed'; summary: Summary }
  | { outcome: 'stopped'; summary: Summary }
  | { outcome: 'skipped'; reason: string; summaryKey: string }
  /** Stopped at the deadline, checkpointed, and a continuation message sent: the next invocation goes on. */
  | { outcome: 'continued'; checkpointKey: string; sequence: number; parts: number; position: { bytesIn: number; bytesOut: number; lines: number } }
  /** Another invocation holds the object's checkpoint: a continuation for it was sent, nothing was written here. */
  | { outcome: 'handed-over'; checkpointKey: string };

/**
 * Processes one S3 object: skips it when a complete summary exists for the same version (unless
 * `forceReprocess`), streams and analyses it (see `analyzeBytes`), writes its error records as
 * gzip NDJSON through lib-storage (at most queueSize × partSize = 16 MiB buffered), then the HTML
 * report, then the JSON summary, last, then (with `config.rollups`) the summary's rollup index entry and
 * dirty-hour marker (see `markDirty`). Corrupt or truncated input is not retried: the summary says
 * `failed` with the reason. Read and write failures are raised for a retry.
 *
 * Reading stopped by `stopReading`: with `continuation` (and `config.continuation`) the records so
 * far become the next part, a checkpoint is saved and a continuation message sent (`continued`; see
 * README, "Continuation"); a ref that carries `continuation` resumes from its checkpoint
 * (`resumeObject`). Without, the summary says `failed` and the outcome is `stopped`.
 *
 * @example const result = await processObject({ s3, config }, { bucket: 'logs', key: 'app.log.gz' });
 */
export async function processObject(deps: ProcessDeps, ref: ObjectRef, options: ProcessOptions = {}): Promise<ProcessResult> {
  const { s3, config } = deps;
  const keys = outputKeys(config.outputPrefix, ref);
  const continuable = config.continuation && options.continuation !== undefined && options.stopReading !== undefined && options.lease !== undefined;
  const opts = continuable ? options : { ...options, continuation: undefined };
  if (ref.continuation && continuable) return resumeObject(deps, ref, keys, opts);
  const startedAt = new Date();

  const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, versionId: ref.versionId, signal: options.signal, onResume: options.onResume });
  const identity = sourceIdentity(source);
  let done;
  try {
    done = !config.forceReprocess && (await hasCompleteSummary(s3, config.outputBucket, keys.summary, identity, options.signal));
  } catch (err) {
    source.close();
    throw err;
  }
  if (done) {
    source.close();
    return { outcome: 'skipped', reason: 'a complete summary exists for this object version', summaryKey: keys.summary };
  }
  // A first pass holds no checkpoint; stopped, it claims one (If-None-Match) before its part is
  // completed, so that a part another invocation's checkpoint lists is never overwritten.
  const store = new CheckpointStore(s3, config.outputBucket, options.signal);
  let held: { store: CheckpointStore; etag: string } | undefined;
  const claim = async (): Promise<void> => {
    const etag = await store.create(keys.checkpoint, {
      schema: CHECKPOINT_SCHEMA,
      source: { bucket: ref.bucket, key: ref.key, ...identity },
      sequence: 0,
      savedAt: new Date().toISOString(),
      parts: [],
      processing: { startedAt: startedAt.toISOString(), durationMs: 0, resumes: 0 },
      lease: { owner: options.lease!.owner, until: new Date(options.lease!.untilMs).toISOString() },
    });
    held = { store, etag };
  };
  let analysis;
  try {
    analysis = await runPass(deps, ref, keys.errorsPart, { source, partNumber: 0, resume: undefined, continuable, ...(continuable ? { beforeStoppedPart: claim } : {}) }, opts);
  } catch (err) {
    if (!continuable || !causeOfType(err, CheckpointConflictError)) throw err;
    // An earlier attempt left a checkpoint (or another invocation holds it): that one goes on.
    await opts.continuation!(continuationMessage({ bucket: ref.bucket, key: ref.key, ...identity }, keys.checkpoint, 0));
    return { outcome: 'handed-over', checkpointKey: keys.checkpoint };
  }
  const prior = { invocations: 0, parts: [], startedAt, durationMs: 0, resumes: 0 };
  return settleObject(deps, { ref, keys, source, analysis, startedAt, prior, held }, opts);
}
