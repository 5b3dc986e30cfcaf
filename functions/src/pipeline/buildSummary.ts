import type { ObjectRef } from '../events/types.js';
import type { Analysis } from './analyzeBytes.js';
import type { OutputKeys } from './outputKeys.js';
import type { ErrorGroup } from '../parse/types.js';
import type { Summary, SummaryGroup } from './types.js';
import { SUMMARY_SCHEMA } from './types.js';

/** Everything the summary is made from: the analysis, where it came from and where it went. */
export interface SummaryInput extends Analysis {
  ref: ObjectRef;
  identity: { etag?: string; versionId?: string };
  size: number | undefined;
  topGroups: number;
  keys: Pick<OutputKeys, 'summary' | 'report'>;
  startedAt: Date;
  /** GetObject resumes spent on the object (0 for a local file). */
  resumes: number;
  /** What earlier invocations of a continued object did; none: this is its only one. */
  prior?: PriorWork;
}

/** The work of the invocations before this one on a continued object, as its checkpoint holds it. */
export interface PriorWork {
  /** Invocations that saved a checkpoint (0 on a first pass). */
  invocations: number;
  parts: Array<{ key: string; records: number; bytes: number; storedBytes: number }>;
  /** When the first of them started. */
  startedAt: Date;
  /** Their processing time, summed. */
  durationMs: number;
  resumes: number;
}

/** A kept group as the summary lists it. */
function summaryGroup(g: ErrorGroup): SummaryGroup {
  return {
    groupId: g.groupId,
    template: g.template,
    class: g.class,
    level: g.level,
    count: g.count,
    countError: g.countError,
    ...(g.aliases.length > 0 ? { aliases: g.aliases } : {}),
    firstSeen: { line: g.firstSeen.line, timestamp: g.firstSeen.timestamp },
    lastSeen: { line: g.lastSeen.line, timestamp: g.lastSeen.timestamp },
    sample: { message: g.sample.message, firstLine: g.sample.firstLine, timestamp: g.sample.timestamp },
  };
}

/** Assembles the versioned summary document from the stage counters. */
export function buildSummary(input: SummaryInput): Summary {
  const { parseStats: p, lineStats: l } = input;
  const prior = input.prior;
  const durationMs = (prior?.durationMs ?? 0) + Date.now() - input.startedAt.getTime();
  // The engine carries the earlier parts in its state; the handler's checkpoint lists them too (a restart has neither).
  const parts = [...(input.earlierParts ?? prior?.parts ?? []), ...(input.part ? [input.part] : [])];
  const records = parts.reduce((n, part) => n + part.records, 0);
  const groups = input.groups.groups().map(summaryGroup);
  return {
    schema: SUMMARY_SCHEMA,
    status: input.failure ? 'failed' : 'complete',
    ...(input.failure ? { reason: input.failure } : {}),
    source: {
      bucket: input.ref.bucket,
      key: input.ref.key,
      ...(input.identity.versionId ? { versionId: input.identity.versionId } : {}),
      ...(input.identity.etag ? { etag: input.identity.etag } : {}),
      ...(input.size !== undefined ? { size: input.size } : {}),
      compression: input.compression,
      ...(input.encoding ? { encoding: input.encoding } : {}),
      ...(input.cloudWatchLogs ? { format: 'cloudwatch-logs' as const, messageFormat: p.format } : { format: p.format }),
    },
    counts: {
      // CloudTrail documents are not read as lines: their "lines" are the events of Records.
      lines: p.format === 'cloudtrail' ? p.lines : l.lines,
      bytesIn: input.bytesIn,
      bytesOut: input.bytesOut,
      events: p.events,
      records,
      errors: input.tally.errors,
      warnings: input.tally.warnings,
      levels: { ...p.levels },
      classes: { ...p.classes },
      truncatedLines: l.truncatedLines,
      skippedLines: l.skippedLines,
      invalidUtf8Lines: l.invalidUtf8Lines,
      headerLines: p.headerLines,
      redactions: p.redactions,
      redactionsByKind: { ...p.redactionsByKind },
      parseFailures: p.parseFailures,
      ...(p.firstParseFailure ? { firstParseFailure: { ...p.firstParseFailure } } : {}),
      fallbackLines: p.fallbackLines,
      multilineCuts: p.multilineCuts,
      excluded: p.excluded,
      ungroupedRecords: input.groups.ungrouped,
      unclusteredRecords: input.unclustered,
      unlistedGroupIds: input.groups.unlistedIds,
      ...(input.cloudWatchLogs ? { cloudWatchLogs: { ...input.cloudWatchLogs } } : {}),
    },
    time: {
      first: p.timeRange.min,
      last: p.timeRange.max,
      errorsPerMinute: { ...p.errorsPerMinute },
      histogramOverflow: p.histogramOverflow,
      yearsInferred: p.yearsInferred,
    },
    topGroups: groups.slice(0, input.topGroups),
    groups,
    outputs: {
      summaryKey: input.keys.summary,
      reportKey: input.keys.report,
      errorParts: parts.map(({ key, records: n, bytes, storedBytes }) => ({ key, records: n, bytes, storedBytes })),
    },
    processing: {
      startedAt: (prior?.startedAt ?? input.startedAt).toISOString(),
      durationMs,
      mbPerSec: durationMs > 0 ? Math.round((input.bytesOut / 1e6 / (durationMs / 1000)) * 10) / 10 : 0,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      invocations: (prior?.invocations ?? 0) + 1,
      resumes: input.resumes + (prior?.resumes ?? 0),
    },
  };
}
