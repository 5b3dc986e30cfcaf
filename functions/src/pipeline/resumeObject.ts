import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { ObjectRef } from '../events/types.js';
import { ObjectChangedError } from '../stream/errors.js';
import { s3Source } from '../stream/s3Source.js';
import type { S3ObjectSource } from '../stream/types.js';
import type { AnalysisCheckpoint } from './checkpoint.js';
import { parseCheckpoint } from './checkpoint.js';
import type { PriorWork } from './buildSummary.js';
import { causeOfType } from './causeOfType.js';
import { CheckpointStore } from './CheckpointStore.js';
import type { LoadedCheckpoint } from './CheckpointStore.js';
import { CheckpointConflictError, CheckpointError, CheckpointInvalidError } from './errors.js';
import type { OutputKeys } from './outputKeys.js';
import type { ProcessDeps, ProcessOptions, ProcessResult } from './processObject.js';
import { runPass } from './runPass.js';
import { settleObject } from './settleObject.js';
import { sourceIdentity } from './sourceIdentity.js';
import type { Checkpoint } from './types.js';
import { CHECKPOINT_SCHEMA } from './types.js';

/**
 * Resumes an object named by a continuation message from its checkpoint. The checkpoint decides,
 * not the message: none (the object was finished) or one whose lease another invocation holds (a
 * duplicate message) is `skipped`, writing nothing; otherwise this invocation takes the lease with
 * If-Match (a duplicate racing it loses there and is skipped too), reads on from the checkpoint's
 * offsets with If-Match on the source's ETag, and ends like a first pass (`settleObject`). A source
 * replaced since (ETag mismatch, or a checkpoint this version cannot read) restarts from byte 0: the
 * earlier parts are deleted and the checkpoint reset to sequence 0.
 *
 * @example const result = await resumeObject(deps, ref, outputKeys('logsieve/', ref), options);
 */
export async function resumeObject(deps: ProcessDeps, ref: ObjectRef, keys: OutputKeys, options: ProcessOptions): Promise<ProcessResult> {
  const { s3, config } = deps;
  const startedAt = new Date();
  const store = new CheckpointStore(s3, config.outputBucket, options.signal);
  const skipped = (reason: string): ProcessResult => ({ outcome: 'skipped', reason, summaryKey: keys.summary });
  let loaded: LoadedCheckpoint<AnalysisCheckpoint> | undefined;
  try {
    loaded = await store.load<AnalysisCheckpoint>(keys.checkpoint);
    if (loaded?.checkpoint.state !== undefined) parseCheckpoint(loaded.checkpoint.state);
  } catch (err) {
    if (!(err instanceof CheckpointInvalidError || err instanceof CheckpointError)) throw err;
    // Unreadable (another schema, damaged): start again; its parts cannot be named, the summary lists only the new ones.
    await store.delete(keys.checkpoint);
    return skipped(`${err.message}; deleted, and the object restarts with its next message`);
  }
  if (!loaded) return skipped('no checkpoint: an earlier message finished (or restarted) this object');
  const { checkpoint } = loaded;
  const now = Date.now();
  if (checkpoint.lease && Date.parse(checkpoint.lease.until) > now && checkpoint.lease.owner !== options.lease!.owner) {
    return skipped(`duplicate continuation: another invocation holds the checkpoint until ${checkpoint.lease.until}`);
  }
  const awaited = checkpoint.token !== undefined && ref.continuation!.token === checkpoint.token;
  // Unclaimed for longer than an invocation lasts: its own message was lost (a crash between save and send).
  const orphaned = now - Date.parse(checkpoint.savedAt) > options.lease!.lengthMs;
  if (!awaited && !orphaned && !(checkpoint.lease && checkpoint.token === undefined)) {
    return skipped(`stale continuation (sequence ${ref.continuation!.sequence}): the checkpoint, at sequence ${checkpoint.sequence}, awaits the message sent with it`);
  }
  const lease = { owner: options.lease!.owner, until: new Date(options.lease!.untilMs).toISOString() };
  let etag: string;
  try {
    etag = await store.replace(keys.checkpoint, { ...checkpoint, lease }, loaded.etag);
  } catch (err) {
    if (err instanceof CheckpointConflictError) return skipped(`duplicate continuation: ${err.message}`);
    throw err;
  }

  let opened = await openAt(deps, ref, checkpoint, options);
  let from: Checkpoint<AnalysisCheckpoint> = checkpoint;
  if (opened === 'replaced') {
    // The object was replaced between invocations: its first attempt's parts go, reading starts again.
    await deleteParts(deps, checkpoint.parts.map((p) => p.key));
    const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, signal: options.signal, onResume: options.onResume });
    from = {
      schema: CHECKPOINT_SCHEMA,
      source: { bucket: ref.bucket, key: ref.key, ...sourceIdentity(source) },
      sequence: 0,
      savedAt: new Date().toISOString(),
      parts: [],
      processing: { startedAt: startedAt.toISOString(), durationMs: 0, resumes: 0 },
      // The message being processed stays the awaited one: its retry goes on.
      ...(ref.continuation?.token ? { token: ref.continuation.token } : {}),
      lease,
    };
    try {
      etag = await store.replace(keys.checkpoint, from, etag);
    } catch (err) {
      source.close();
      throw err;
    }
    opened = source;
  }
  const prior: PriorWork = {
    invocations: from.sequence,
    parts: from.parts,
    startedAt: new Date(from.processing.startedAt),
    durationMs: from.processing.durationMs,
    resumes: from.processing.resumes,
  };
  let analysis;
  try {
    analysis = await runPass(deps, ref, keys.errorsPart, { source: opened, partNumber: from.parts.length, resume: from.state, continuable: true }, options);
  } catch (err) {
    // The retry need not wait for the lease to expire (an asynchronous invocation's retry comes within minutes). Best effort: a crash cannot do this.
    const { lease: _held, ...released } = from;
    await store.replace(keys.checkpoint, released, etag).catch(() => undefined);
    throw err;
  }
  return settleObject(deps, { ref, keys, source: opened, analysis, startedAt, prior, held: { store, etag } }, options);
}

/** The checkpoint's source version from where its state stopped, or `replaced` when that version is no longer the object's. */
async function openAt(deps: ProcessDeps, ref: ObjectRef, checkpoint: Checkpoint<AnalysisCheckpoint>, options: ProcessOptions): Promise<S3ObjectSource | 'replaced'> {
  const { bucket, key, versionId, etag } = checkpoint.source;
  try {
    const source = await s3Source({
      client: deps.s3,
      bucket,
      key,
      ...(versionId ? { versionId } : {}),
      ...(checkpoint.state !== undefined ? { start: checkpoint.state.position.compressedOffset, ...(etag ? { ifMatch: `"${etag}"` } : {}) } : {}),
      signal: options.signal,
      onResume: options.onResume,
    });
    const now = sourceIdentity(source);
    // Without a state the read starts at byte 0, unconditionally: compare the version read.
    if ((etag && now.etag !== etag) || (versionId && now.versionId !== versionId)) {
      source.close();
      return 'replaced';
    }
    return source;
  } catch (err) {
    if (causeOfType(err, ObjectChangedError)) return 'replaced';
    throw err;
  }
}

/** Deletes error parts, 1 000 keys per request (S3's bound), so that a restarted object's summary lists only what it wrote. */
async function deleteParts(deps: ProcessDeps, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    await deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.config.outputBucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }));
  }
}
