import { cloudTrailRecords } from '../functions/src/parse/cloudTrailRecords.js';
import { cloudWatchLogsEvents } from '../functions/src/parse/cloudWatchLogsEvents.js';
import { createParseStats } from '../functions/src/parse/createParseStats.js';
import { hash64 } from '../functions/src/parse/groupKey.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { records } from '../functions/src/parse/records.js';
import { sniffFormat } from '../functions/src/parse/sniffFormat.js';
import type { GroupRef } from '../functions/src/parse/TemplateGrouper.js';
import { TemplateGrouper } from '../functions/src/parse/TemplateGrouper.js';
import type { ErrorRecord, LogFormat } from '../functions/src/parse/types.js';
import { peekBytes } from '../functions/src/pipeline/peekBytes.js';
import { createLineStats } from '../functions/src/stream/createLineStats.js';
import { decompress } from '../functions/src/stream/decompress.js';
import { lineBatches } from '../functions/src/stream/lineBatches.js';

/** Options of {@link collectTemplates}. */
export interface CollectTemplatesOptions {
  /** Join continuation lines (stack traces) into their event, as the Lambda does. Default true. */
  multiline?: boolean;
  /** Keep, per input line, the group it fell in (4 bytes a line until the end), for {@link TemplateTable.assignments}. */
  assignments?: boolean;
  /** Name used for format detection (the file's path). */
  name?: string;
  signal?: AbortSignal;
}

/** One template of the table. */
export interface TemplateRow {
  groupId: string;
  template: string;
  /** Events. */
  count: number;
  /** Bytes of the events' text (after redaction, at most 1 MiB an event) plus their newlines. */
  bytes: number;
}

/** What {@link collectTemplates} found. */
export interface TemplateTable {
  format: LogFormat;
  lines: number;
  events: number;
  bytes: number;
  /** Every group, by count descending then first seen. */
  rows: TemplateRow[];
  /** Events grouped by masked text alone, past the learned step's cluster bound. */
  unclustered: number;
  /** Per input line (1-based, in order), its group; only with `assignments`. Lines in no event have template "". */
  assignments(): Generator<{ line: number; groupId: string; template: string }>;
}

/** Every event a record, of any level and class; raw text kept whole up to 1 MiB so that bytes add up. */
const RULES = { minLevel: 'any', maxRawBytes: 1 << 20, maxMessageChars: 4096 } as const;

interface Tally {
  ref: GroupRef;
  /** 1-based position in creation order (0 in the line array means "in no event"). */
  index: number;
  count: number;
  bytes: number;
  first: number;
}

/**
 * Groups every event of a byte stream (not only error records) by masked and learned template:
 * the line stage, format detection and multi-line joining of the Lambda, every event made a
 * record, one {@link TemplateGrouper} for the whole stream. Holds the grouper's clusters (at most
 * 10 000, ≈ 10 MB), one tally per group, and with `assignments` 4 bytes per line.
 *
 * @example const table = await collectTemplates(createReadStream('app.log'), { multiline: false });
 */
export async function collectTemplates(bytes: AsyncIterable<Uint8Array>, options: CollectTemplatesOptions = {}): Promise<TemplateTable> {
  const rules = parseRules({ ...RULES, multiline: options.multiline ?? true });
  const decompressed = decompress(bytes);
  const { head, rest } = await peekBytes(decompressed, 64 * 1024);
  const format = sniffFormat(head, options.name ?? '');
  const lineStats = createLineStats();
  const stats = createParseStats();
  const grouper = new TemplateGrouper();
  const tallies = new Map<string, Tally>();
  const order: Tally[] = [];
  let lineGroups: Int32Array | undefined = options.assignments ? new Int32Array(1 << 16) : undefined;
  let events = 0;
  let totalBytes = 0;

  const sink = {
    add(record: ErrorRecord, ref: GroupRef): void {
      let tally = tallies.get(ref.key);
      if (tally === undefined) {
        tally = { ref, index: order.length + 1, count: 0, bytes: 0, first: record.firstLine };
        tallies.set(ref.key, tally);
        order.push(tally);
      }
      const size = Buffer.byteLength(record.raw) + 1;
      tally.count++;
      tally.bytes += size;
      events++;
      totalBytes += size;
      if (lineGroups !== undefined) {
        let a: Int32Array = lineGroups;
        while (a.length <= record.lastLine) a = grow(a);
        lineGroups = a;
        a.fill(tally.index, record.firstLine, record.lastLine + 1);
      }
    },
  };

  const lineOptions = { maxLineBytes: 1 << 20, longLines: 'truncate', stats: lineStats } as const;
  const source = { bucket: '', key: options.name ?? '' };
  const recordOptions = { source, rules, stats, groups: sink, grouper, signal: options.signal };
  // The byte routes of the Lambda: CloudTrail documents event by event, CloudWatch Logs envelopes'
  // messages as lines (their lines are the messages' lines), any other format line by line.
  const found = format === 'cloudtrail'
    ? cloudTrailRecords(rest, recordOptions)
    : format === 'cloudwatch-logs'
      ? records(cloudWatchLogsEvents(rest, { ...lineOptions, source, signal: options.signal }), recordOptions)
      : records(lineBatches(rest, lineOptions), { ...recordOptions, format });
  for await (const batch of found) void batch;
  grouper.finish();

  // Groups whose templates ended up equal are one row.
  const rows = new Map<string, TemplateRow & { first: number }>();
  for (const t of order) {
    const row = rows.get(t.ref.groupId);
    if (row) {
      row.count += t.count;
      row.bytes += t.bytes;
    } else rows.set(t.ref.groupId, { groupId: t.ref.groupId, template: t.ref.template, count: t.count, bytes: t.bytes, first: t.first });
  }
  const sorted = [...rows.values()].sort((a, b) => b.count - a.count || a.first - b.first).map(({ first: _, ...row }) => row);
  // CloudTrail events are not lines: there, a "line" is an event of Records.
  const lineCount = format === 'cloudtrail' ? stats.lines : lineStats.lines;
  const groupsOfLines = lineGroups;
  return {
    format: format === 'cloudtrail' || format === 'cloudwatch-logs' ? format : stats.format ?? format,
    lines: lineCount,
    events,
    bytes: totalBytes,
    rows: sorted,
    unclustered: grouper.unclustered,
    *assignments() {
      if (groupsOfLines === undefined) throw new Error('collectTemplates: assignments were not kept (pass assignments: true)');
      const none = { groupId: hash64(''), template: '' };
      for (let line = 1; line <= lineCount; line++) {
        const i = line < groupsOfLines.length ? groupsOfLines[line]! : 0;
        const ref = i === 0 ? none : order[i - 1]!.ref;
        yield { line, groupId: ref.groupId, template: ref.template };
      }
    },
  };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
