import type { ErrorPart } from '../output/writeErrorRecords.js';
import type { ErrorGroupsState } from '../parse/ErrorGroups.js';
import type { TemplateGrouperState } from '../parse/TemplateGrouper.js';
import type { LogFormat, ParseStats } from '../parse/types.js';
import type { CompressionFormat, LineStats } from '../stream/types.js';
import { CheckpointError } from './errors.js';

/** Version of the checkpoint layout; a checkpoint of another version is refused ({@link CheckpointError}). */
export const CHECKPOINT_VERSION = 1;

/**
 * Where the next invocation starts reading an object whose analysis stopped at an event boundary.
 * All offsets are absolute in the object (compressed) or in its decompressed bytes.
 */
export interface ResumePosition {
  compression: CompressionFormat;
  /**
   * Where the Range GET starts: the next event's line start for plain; the start of the last gzip
   * member (zstd frame) that begins at or before the next event for multi-member gzip (zstd whose
   * frames declare their content size); 0 for single-member gzip and zstd frames without a size.
   */
  compressedOffset: number;
  /** Decompressed bytes to inflate and discard, unparsed, after `compressedOffset`. */
  skipBytes: number;
  /** Decompressed offset of the next event's first line. */
  decompressedOffset: number;
  /** Lines before the next event (its first line is number `line + 1`). */
  line: number;
}

/** Everything the rest of the object's analysis needs, as JSON. */
export interface AnalysisState {
  /** The format the sniff chose (the records stage's parser). */
  format: LogFormat;
  /** The head had lone CR line endings: they are rewritten as LF (byte for byte) again. */
  crLineEndings: boolean;
  /** The last header lines seen (`#Fields` of CloudFront, VPC flow), replayed into the parser; at most 8. */
  headerLines: string[];
  lineStats: LineStats;
  parseStats: ParseStats;
  tally: { errors: number; warnings: number };
  groups: ErrorGroupsState;
  grouper: TemplateGrouperState;
  /** A note the summary must keep (a UTF-32 byte order mark read as UTF-8). */
  encodingFailure?: string;
  /** Compressed bytes that were no gzip member or zstd frame, before `compressedOffset`. */
  skipped: { bytes: number; firstAt: number };
  /** Error parts written by the earlier invocations, in order. */
  parts: ErrorPart[];
}

/**
 * What an analysis stopped at an event boundary hands to the next invocation (`analyzeBytes`
 * option `resume`). JSON-serialisable; its size is bounded by the groups (≤ `keptGroups` samples,
 * ≈ 2 MB at the default 200), the learned clusters (≤ 10 000, ≈ 1 KB each) and the grouping
 * cache (≤ 4 096 masked messages): typically tens of KB, at most ≈ 16 MB.
 */
export interface AnalysisCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  position: ResumePosition;
  state: AnalysisState;
}

/**
 * Checks that a value (parsed JSON) is a checkpoint this version can resume from.
 *
 * @throws CheckpointError naming what is wrong.
 * @example const checkpoint = parseCheckpoint(JSON.parse(body));
 */
export function parseCheckpoint(value: unknown): AnalysisCheckpoint {
  const c = value as Partial<AnalysisCheckpoint> | null;
  if (c === null || typeof c !== 'object') throw new CheckpointError('the checkpoint is not an object');
  if (c.version !== CHECKPOINT_VERSION) throw new CheckpointError(`checkpoint version ${String(c.version)} is not ${CHECKPOINT_VERSION}`);
  const p = c.position;
  if (p === undefined || p === null || typeof p !== 'object') throw new CheckpointError('the checkpoint has no position');
  for (const field of ['compressedOffset', 'skipBytes', 'decompressedOffset', 'line'] as const) {
    if (!Number.isSafeInteger(p[field]) || p[field] < 0) throw new CheckpointError(`position.${field} is not an integer ≥ 0: ${String(p[field])}`);
  }
  if (p.compression !== 'none' && p.compression !== 'gzip' && p.compression !== 'zstd') {
    throw new CheckpointError(`position.compression is not none, gzip or zstd: ${String(p.compression)}`);
  }
  if (c.state === undefined || c.state === null || typeof c.state !== 'object') throw new CheckpointError('the checkpoint has no state');
  return c as AnalysisCheckpoint;
}
