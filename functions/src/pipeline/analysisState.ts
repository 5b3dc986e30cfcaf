import type { ErrorPart } from '../output/writeErrorRecords.js';
import { createParseStats } from '../parse/createParseStats.js';
import { ErrorGroups } from '../parse/ErrorGroups.js';
import { TemplateGrouper } from '../parse/TemplateGrouper.js';
import type { Line } from '../stream/types.js';
import type { LogFormat, ParseStats } from '../parse/types.js';
import { createLineStats } from '../stream/createLineStats.js';
import type { DecompressedStream, LineStats } from '../stream/types.js';
import type { AnalysisCheckpoint, AnalysisState } from './checkpoint.js';
import { CHECKPOINT_VERSION } from './checkpoint.js';

/** Header lines kept for a continued read (the last `#Fields` decides; `#Version` and others ride along). */
const MAX_HEADER_LINES = 8;

/** The mutable state of one analysis: made fresh, or restored from a checkpoint. */
export interface RunState {
  lineStats: LineStats;
  parseStats: ParseStats;
  groups: ErrorGroups;
  grouper: TemplateGrouper;
  tally: { errors: number; warnings: number };
  headerLines: string[];
  /** The format chosen by the sniff (or restored): unset until then. */
  format: LogFormat | undefined;
  crLineEndings: boolean;
  encodingFailure: string | undefined;
  /** Skipped compressed bytes before `base.compressed` (the earlier invocations'). */
  skipped: { bytes: number; firstAt: number };
  parts: ErrorPart[];
  /** Where the bytes given start: compressed offset, and the decompressed offset decoding them starts at. */
  base: { compressed: number; decompressed: number };
}

/**
 * The state an analysis starts with: zeroed counters and empty groups, or those of `resume`
 * (a checkpoint through JSON), with the live objects rebuilt.
 *
 * @example const run = startState(options.resume, config.rules.keptGroups);
 */
export function startState(resume: AnalysisCheckpoint | undefined, maxGroups: number): RunState {
  if (resume === undefined) {
    return {
      lineStats: createLineStats(), parseStats: createParseStats(), groups: new ErrorGroups({ maxGroups }), grouper: new TemplateGrouper(),
      tally: { errors: 0, warnings: 0 }, headerLines: [], format: undefined, crLineEndings: false, encodingFailure: undefined,
      skipped: { bytes: 0, firstAt: -1 }, parts: [], base: { compressed: 0, decompressed: 0 },
    };
  }
  // A copy: the caller's checkpoint is not changed by the run.
  const s = structuredClone(resume.state);
  const { position } = resume;
  const grouper = TemplateGrouper.fromState(s.grouper);
  return {
    lineStats: s.lineStats,
    parseStats: s.parseStats,
    groups: ErrorGroups.fromState(s.groups, (ref) => grouper.ref(ref), { maxGroups }),
    grouper,
    tally: s.tally,
    headerLines: s.headerLines,
    format: s.format,
    crLineEndings: s.crLineEndings,
    encodingFailure: s.encodingFailure,
    skipped: s.skipped,
    parts: s.parts,
    base: { compressed: position.compressedOffset, decompressed: position.decompressedOffset - position.skipBytes },
  };
}

/** Keeps a header line for a continued read: the last {@link MAX_HEADER_LINES}. */
export function noteHeader(run: RunState, text: string): void {
  if (run.headerLines.length >= MAX_HEADER_LINES) run.headerLines.shift();
  run.headerLines.push(text);
}

/** Skipped compressed bytes of the whole object so far: the earlier invocations' and this stream's. */
export function skippedTotal(run: RunState, stream: Pick<DecompressedStream, 'skippedBytes' | 'firstSkippedAt'>): { bytes: number; firstAt: number } {
  const firstAt = run.skipped.firstAt >= 0 ? run.skipped.firstAt : stream.firstSkippedAt >= 0 ? run.base.compressed + stream.firstSkippedAt : -1;
  return { bytes: run.skipped.bytes + stream.skippedBytes, firstAt };
}

/**
 * The checkpoint of an analysis stopped before `line` (the first line of the next event): where
 * to read again from (the last member or frame start at or before it) and the state up to it.
 * Call before the grouper's end-of-stream merge, which would change the templates the next
 * invocation learns on.
 */
export function takeCheckpoint(run: RunState, stream: DecompressedStream, line: Line, linesBefore: LineStats, part: ErrorPart | undefined): AnalysisCheckpoint {
  const relative = line.offset - run.base.decompressed;
  const point = stream.restartPoint(relative);
  const skipped = skippedTotal(run, { skippedBytes: point.skippedBytes, firstSkippedAt: point.firstSkippedAt });
  const state: AnalysisState = {
    format: run.format!,
    crLineEndings: run.crLineEndings,
    headerLines: [...run.headerLines],
    lineStats: { ...linesBefore, bytes: line.offset },
    parseStats: run.parseStats,
    tally: run.tally,
    groups: run.groups.state((ref) => run.grouper.refState(ref)),
    grouper: run.grouper.state(),
    ...(run.encodingFailure === undefined ? {} : { encodingFailure: run.encodingFailure }),
    skipped,
    parts: [...run.parts, ...(part ? [part] : [])],
  };
  return {
    version: CHECKPOINT_VERSION,
    position: {
      compression: stream.compression ?? 'none',
      compressedOffset: run.base.compressed + point.compressedOffset,
      skipBytes: relative - point.decompressedOffset,
      decompressedOffset: line.offset,
      line: line.number - 1,
    },
    // Through JSON: what the next invocation gets is what it would read back from S3.
    state: JSON.parse(JSON.stringify(state)) as AnalysisState,
  };
}
