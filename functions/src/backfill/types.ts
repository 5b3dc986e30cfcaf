import type { MergedSummary } from '../rollup/types.js';
import type { BACKFILL_SCHEMAS } from './constants.js';

/** One source object as the planner listed it. */
export interface BackfillObject {
  key: string;
  /** Bytes in S3 (compressed, when it is). */
  size: number;
}

/**
 * One item of a manifest page: the objects one Lambda invocation processes on Step Functions (at
 * most `maxItemKeys` objects and `maxItemBytes` bytes, or a single larger object).
 */
export interface BackfillItem {
  /** `<page>-<index>`, both zero-padded: names the item's result object. */
  id: string;
  backfillId: string;
  bucket: string;
  objects: BackfillObject[];
  /** Sum of the objects' sizes. */
  bytes: number;
}

/** What the planner selects from a prefix. */
export interface BackfillSource {
  bucket: string;
  /** Key prefix listed; '' lists the whole bucket. */
  prefix: string;
  /** Keep keys ending in one of these; empty keeps every key. */
  suffixes: string[];
  /** Keep objects last modified at or after this instant (ISO 8601), when set. */
  since?: string;
  /** Keep objects last modified before this instant (ISO 8601), when set. */
  until?: string;
}

/** Where the backfill's documents and the objects' outputs go. */
export interface BackfillOutput {
  bucket: string;
  prefix: string;
}

/** How the planner cuts the listing into items and pages. */
export interface BackfillPlanSettings {
  maxItemKeys: number;
  maxItemBytes: number;
  itemsPerPage: number;
}

/** Keys the listing returned that the plan leaves out, by reason. */
export interface BackfillSkips {
  /** Keys not ending in one of the suffixes. */
  suffix: number;
  /** Objects last modified before `since` or at or after `until`. */
  modified: number;
  /** Keys under the output prefix of the output bucket (outputs are never inputs). */
  outputPrefix: number;
  /** Zero-byte keys ending in '/' (folder markers of the S3 console). */
  folders: number;
}

/** One manifest page as the plan lists it. */
export interface BackfillPageRef {
  key: string;
  items: number;
  objects: number;
  bytes: number;
}

/** `<outputPrefix>backfills/<id>/plan.json`: what was selected and where the manifest pages are. */
export interface BackfillPlan {
  schema: typeof BACKFILL_SCHEMAS.plan;
  backfillId: string;
  createdAt: string;
  source: BackfillSource;
  output: BackfillOutput;
  settings: BackfillPlanSettings;
  counts: {
    /** Keys the listing returned. */
    listed: number;
    /** Objects selected. */
    objects: number;
    bytes: number;
    items: number;
    pages: number;
    /** Objects larger than `maxItemBytes`, each alone in an item. */
    oversizedObjects: number;
    skipped: BackfillSkips;
  };
  pages: BackfillPageRef[];
}

/** One object that was not processed to a complete summary. */
export interface BackfillFailure {
  key: string;
  reason: string;
  /** A retry may mend it (read or write failure, deadline); false for corrupt input or a deleted object. */
  retryable: boolean;
}

/** Counters of item results and of the report. */
export interface BackfillCounts {
  objects: number;
  /** Objects processed to a complete summary in this run. */
  processed: number;
  /** Objects that had a complete summary for their version already. */
  skipped: number;
  /** Objects without a complete summary after this run: see the failures. */
  failed: number;
  /** Bytes read from S3 for the processed objects. */
  bytesIn: number;
  /** Error records written for the processed objects. */
  records: number;
}

/** `<outputPrefix>backfills/<id>/results/<itemId>.json`: what one item's processing found. */
export interface BackfillItemResult {
  schema: typeof BACKFILL_SCHEMAS.item;
  backfillId: string;
  itemId: string;
  startedAt: string;
  durationMs: number;
  counts: BackfillCounts;
  failures: BackfillFailure[];
  /** The complete summaries of the item's objects (processed now, or skipped and read again), merged; absent in results written before it existed. */
  merged?: MergedSummary;
}

/** `<outputPrefix>backfills/<id>/report.json`: the backfill's outcome, written last. */
export interface BackfillReport {
  schema: typeof BACKFILL_SCHEMAS.report;
  backfillId: string;
  /** `complete` when every selected object has a complete summary. */
  status: 'complete' | 'failed';
  source: BackfillSource;
  output: BackfillOutput;
  planKey: string;
  writtenAt: string;
  counts: BackfillCounts & {
    items: number;
    /** Items whose result is missing: their invocation failed before writing it; their objects count as failed. */
    itemsWithoutResult: number;
  };
  /** At most `reportedFailures` (1 000); `failuresOmitted` counts the rest, listed in the item results. */
  failures: BackfillFailure[];
  failuresOmitted: number;
  /** Why the Distributed Map stopped, when it did (more failed items than tolerated, an error of its own). */
  mapError?: { error: string; cause?: string };
  /** `<outputPrefix>backfills/<id>/rollup` (`.json`, `.html`): a `logsieve.rollup/1` of every object of the backfill with a complete summary (processed or skipped). */
  rollupKey: string;
}
