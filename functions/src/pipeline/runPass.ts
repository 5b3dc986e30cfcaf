import type { ObjectRef } from '../events/types.js';
import { writeErrorRecords } from '../output/writeErrorRecords.js';
import type { ErrorRecord } from '../parse/types.js';
import type { S3ObjectSource } from '../stream/types.js';
import type { Analysis } from './analyzeBytes.js';
import type { AnalysisCheckpoint } from './checkpoint.js';
import { analyzeBytes } from './analyzeBytes.js';
import type { ProcessDeps, ProcessOptions } from './processObject.js';
import { sourceIdentity } from './sourceIdentity.js';

/** One invocation's reading of one object. */
export interface PassInput {
  source: S3ObjectSource;
  /** Error part number this pass writes (the checkpoint's `parts.length`, 0 on a first pass). */
  partNumber: number;
  /** The engine's state to resume from (the checkpoint's `state`); none: from byte 0. */
  resume: AnalysisCheckpoint | undefined;
  /** Ask the engine for a checkpoint when it stops at the deadline. */
  continuable: boolean;
  /**
   * Awaited after the last record and before the part is completed, when reading was stopped:
   * throwing there aborts the part's upload, so that a pass that may not save a checkpoint leaves
   * the part already in S3 (another invocation's) untouched.
   */
  beforeStoppedPart?: () => Promise<void>;
}

/**
 * Reads `input.source` through `analyzeBytes` into error part `partNumber` of `keys` and returns
 * the analysis; the source is closed at the end whatever happens.
 *
 * @example const analysis = await runPass(deps, ref, keys.errorsPart, { source, partNumber: 0, resume: undefined, continuable: false }, options);
 */
export async function runPass(deps: ProcessDeps, ref: ObjectRef, errorsPart: (n: number) => string, input: PassInput, options: ProcessOptions): Promise<Analysis> {
  const { s3, config } = deps;
  const { source } = input;
  const { signal, stopReading } = options;
  try {
    return await analyzeBytes(source.bytes, {
      source: { bucket: ref.bucket, key: ref.key, ...sourceIdentity(source) },
      config,
      signal,
      ...(stopReading ? { stopReading } : {}),
      ...(source.lastModified ? { referenceTime: source.lastModified } : {}),
      ...(input.resume !== undefined ? { resume: input.resume } : {}),
      ...(input.continuable ? { continuable: true } : {}),
      onProgress: options.onProgress,
      writeRecords: (found) =>
        writeErrorRecords(input.beforeStoppedPart && stopReading ? whenStopped(found, stopReading, input.beforeStoppedPart) : found, {
          s3,
          bucket: config.outputBucket,
          key: errorsPart(input.partNumber),
          signal,
        }),
    });
  } finally {
    // Frees the connection when the body was not read to the end (failed midway, or stopped).
    source.close();
  }
}

/** Passes `found` through; at its end, when `stop` has fired, awaits `hook` (which may throw). */
async function* whenStopped(found: AsyncIterable<ErrorRecord[]>, stop: AbortSignal, hook: () => Promise<void>): AsyncGenerator<ErrorRecord[]> {
  yield* found;
  if (stop.aborted) await hook();
}
