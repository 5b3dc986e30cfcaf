import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { continuationMessage } from '../events/continuationMessage.js';
import type { ObjectRef } from '../events/types.js';
import { renderReport } from '../output/renderReport.js';
import { markDirty } from '../rollup/markDirty.js';
import type { S3ObjectSource } from '../stream/types.js';
import type { Analysis } from './analyzeBytes.js';
import { buildSummary } from './buildSummary.js';
import type { PriorWork } from './buildSummary.js';
import type { CheckpointStore } from './CheckpointStore.js';
import type { OutputKeys } from './outputKeys.js';
import type { ProcessDeps, ProcessOptions, ProcessResult } from './processObject.js';
import { sourceIdentity } from './sourceIdentity.js';
import { summaryMetadata } from './summaryMetadata.js';
import type { Checkpoint } from './types.js';
import { CHECKPOINT_SCHEMA } from './types.js';

/** Where one pass stands: what came before it, and the checkpoint it holds (claimed or leased), if any. */
export interface PassContext {
  ref: ObjectRef;
  keys: OutputKeys;
  source: S3ObjectSource;
  analysis: Analysis;
  /** When this invocation started on the object. */
  startedAt: Date;
  prior: PriorWork;
  /** The checkpoint this invocation holds, with the ETag a replace must match; none: it holds none. */
  held: { store: CheckpointStore; etag: string } | undefined;
}

/**
 * Ends one pass over an object. Stopped at the deadline with an engine checkpoint, a checkpoint it
 * holds, a sender and invocations left: saves the next checkpoint (If-Match) and sends the
 * continuation message, writes no summary (`continued`). Otherwise writes the report and the
 * summary listing every part, marks the rollup hour dirty (only here: only a final summary is
 * rolled up), and deletes the checkpoint it held.
 *
 * @example return settleObject(deps, { ref, keys, source, analysis, startedAt, prior: NO_PRIOR_WORK, held }, options);
 */
export async function settleObject(deps: ProcessDeps, pass: PassContext, options: ProcessOptions): Promise<ProcessResult> {
  const { s3, config } = deps;
  const { analysis, prior, held, keys } = pass;
  const identity = sourceIdentity(pass.source);
  const invocations = prior.invocations + 1;
  if (analysis.stopped && analysis.checkpoint !== undefined && held && options.continuation && invocations < config.maxInvocations) {
    const next: Checkpoint = {
      schema: CHECKPOINT_SCHEMA,
      source: { bucket: pass.ref.bucket, key: pass.ref.key, ...identity, ...(pass.source.contentLength !== undefined ? { size: pass.source.contentLength } : {}) },
      sequence: invocations,
      savedAt: new Date().toISOString(),
      token: randomUUID(),
      parts: [...prior.parts, ...(analysis.part ? [analysis.part] : [])],
      position: { bytesIn: analysis.bytesIn, bytesOut: analysis.bytesOut, lines: analysis.lineStats.lines },
      processing: { startedAt: prior.startedAt.toISOString(), durationMs: prior.durationMs + (Date.now() - pass.startedAt.getTime()), resumes: prior.resumes + pass.source.resumes },
      state: analysis.checkpoint,
    };
    await held.store.replace(keys.checkpoint, next, held.etag);
    await options.continuation(continuationMessage({ bucket: pass.ref.bucket, key: pass.ref.key, ...identity }, keys.checkpoint, next.sequence, next.token));
    return { outcome: 'continued', checkpointKey: keys.checkpoint, sequence: next.sequence, parts: next.parts.length, position: next.position! };
  }

  const limitReached = analysis.stopped && invocations >= config.maxInvocations && prior.invocations > 0;
  const summary = buildSummary({
    ...analysis,
    ...(limitReached ? { failure: `${analysis.failure ?? 'stopped'}; not continued: ${invocations} invocations reached LOGSIEVE_MAX_INVOCATIONS (${config.maxInvocations})` } : {}),
    ref: pass.ref,
    identity,
    size: pass.source.contentLength,
    topGroups: config.rules.topGroups,
    keys,
    startedAt: pass.startedAt,
    resumes: pass.source.resumes,
    prior,
  });
  await put(s3, config.outputBucket, keys.report, renderReport(summary), 'text/html; charset=utf-8', undefined, options.signal);
  await put(s3, config.outputBucket, keys.summary, JSON.stringify(summary, null, 2), 'application/json', summaryMetadata(summary), options.signal);
  // After the summary: a marker never names a summary that is not there yet.
  if (config.rollups) await markDirty({ s3, bucket: config.outputBucket, outputPrefix: config.outputPrefix }, summary, options.signal);
  // Last: until the summary is written, a retry resumes from the checkpoint.
  if (held) await held.store.delete(keys.checkpoint);
  // At the limit the object is given up for good (the summary says why): a retry could not mend it.
  return { outcome: analysis.stopped && !limitReached ? 'stopped' : 'processed', summary };
}

async function put(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: string,
  metadata: Record<string, string> | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }), {
    abortSignal: signal,
  });
}
