import type { Line } from '../stream/types.js';
import { DETECT_LINES, LEVEL_RANK, LOG_FORMATS, OPT_IN_CLASSES } from './constants.js';
import { createEventCounters, levelIndex } from './createEventCounters.js';
import type { EventCounters } from './createEventCounters.js';
import { countParseFailure, createParseStats } from './createParseStats.js';
import { createRecordBuilder } from './createRecordBuilder.js';
import type { EventInput } from './createRecordBuilder.js';
import { detectFormat } from './detectFormat.js';
import { findTimestamp } from './findTimestamp.js';
import { ParseOptionsError } from './errors.js';
import { createLineParser } from './formats/createLineParser.js';
import { rankToLevel } from './formats/levelRank.js';
import { isContinuation } from './isContinuation.js';
import { parseRules } from './parseRules.js';
import type { ErrorClass, ErrorRecord, LineParser, LineParserOptions, LogFormat, ParsedLine, ParseStats, RecordOptions, Rules } from './types.js';

const DEFAULT_RULES = parseRules({});

/**
 * The parse stage: turns batches of lines into batches of error records. The format is detected
 * from the first lines of the first batch unless given. Each line is first `scan`ned by the
 * format's parser without allocating (level field by position, status by position, level token in
 * the line head); only events that qualify under the rules are parsed, redacted, grouped and
 * emitted. Continuation lines (stack frames, `Caused by:`, `Traceback`, indented JSON) join the event
 * that started them, within `rules.multiline` bounds. Yields one array per input batch that
 * produced records; an event still open at a batch end is emitted with a later batch.
 *
 * Holds at most one open event (≤ `multiline.maxBytes` of text) besides the current batch.
 *
 * @example
 * const stats = createParseStats();
 * const groups = new ErrorGroups();
 * for await (const batch of records(lineBatches(body), { source: { bucket, key }, rules, stats, groups })) {
 *   await writer.write(batch);
 * }
 */
export async function* records(
  batches: AsyncIterable<Line[]>,
  options: RecordOptions,
): AsyncGenerator<ErrorRecord[], void, undefined> {
  validateOptions(options);
  const stage = new RecordsStage(options);
  const { signal, boundary } = options;
  // A boundary before the first line would end a continued read where it began: at least one line is read.
  let read = false;
  try {
    for await (const batch of batches) {
      signal?.throwIfAborted();
      if (batch.length === 0) continue;
      if (boundary?.searching === true && read && stage.startsEvent(batch[0]!)) {
        const out = stage.end(true);
        if (out.length > 0) yield out;
        boundary.found(batch[0]!);
        return;
      }
      read = true;
      const out = stage.batch(batch);
      if (out.length > 0) yield out;
    }
  } catch (error) {
    // The source failed: the event still open is complete as far as anyone will know, so it is
    // handed out before the error, like every record before it.
    const out = stage.end(signal?.aborted !== true);
    if (out.length > 0) yield out;
    throw error;
  }
  signal?.throwIfAborted();
  const out = stage.end(true);
  if (out.length > 0) yield out;
}

/**
 * The state of `records` between batches: the parser, the open event (kept in scalars so that
 * lines that start no record allocate nothing) and the counters.
 */
class RecordsStage {
  private readonly rules: Rules;
  private readonly stats: ParseStats;
  private readonly build: (event: EventInput) => ErrorRecord | null;
  private readonly counters: EventCounters;
  private readonly minRank: number;
  private readonly everything: boolean;
  private readonly allowed: Set<ErrorClass>;
  private readonly optIn = new Set<ErrorClass>(OPT_IN_CLASSES);
  private readonly parserOptions: LineParserOptions;
  private readonly key: string;
  private readonly onHeader: ((text: string) => void) | undefined;

  private parser: LineParser | undefined;
  private joining = false;
  private headers = false;
  /** Whether a misfit of the detected format is also a parse failure (field-positional formats). */
  private positional = false;
  /** The generic classifiers for lines that do not fit the detected format. */
  private readonly fallbackText: LineParser;
  private readonly fallbackJson: LineParser;

  private open = 0; // 0 none, 1 open but not a record, 2 open record
  /** The parser that scanned the open event's first line: the detected format's, or a fallback. */
  private openParser: LineParser | undefined;
  private openJoin = false;
  private openRank = 0;
  private openCls: ErrorClass = 'none';
  private openFirst: Line | undefined;
  private openParts: string[] = [];
  private openLast = 0;
  private openBytes = 0;
  private openLines = 0;
  private openCut = false;
  private openTruncated = false;
  private openContinued = false;

  constructor(options: RecordOptions) {
    this.rules = options.rules ?? DEFAULT_RULES;
    this.stats = options.stats ?? createParseStats();
    this.build = createRecordBuilder({ source: options.source, rules: this.rules, stats: this.stats, groups: options.groups, grouper: options.grouper });
    this.counters = createEventCounters(this.stats);
    this.minRank = LEVEL_RANK[this.rules.minLevel];
    this.everything = this.rules.minLevel === 'any';
    this.allowed = new Set<ErrorClass>(this.rules.errorClasses);
    this.parserOptions = options.referenceTime === undefined ? {} : { referenceTime: options.referenceTime.getTime() };
    this.key = options.source.key;
    this.fallbackText = createLineParser('text', this.parserOptions);
    this.fallbackJson = createLineParser('json', this.parserOptions);
    this.onHeader = options.boundary?.header?.bind(options.boundary);
    if (options.format !== undefined) this.setParser(createLineParser(options.format, this.parserOptions));
    for (const text of options.boundary?.replay ?? []) this.parser?.isHeader(text);
  }

  /** Whether `line` would start an event (not continue the open one): an event boundary lies before it. */
  startsEvent(line: Line): boolean {
    const text = line.text;
    return text.length > 0 && !(this.open !== 0 && this.openJoin && isContinuation(text, this.openRank, this.openContinued));
  }

  /** The records one batch completes; the format is detected from the first batch unless given. */
  batch(batch: Line[]): ErrorRecord[] {
    if (this.parser === undefined) {
      const head: string[] = [];
      for (let i = 0; i < batch.length && i < DETECT_LINES; i++) head.push(batch[i]!.text);
      this.setParser(createLineParser(detectFormat(head, this.key), this.parserOptions));
    }
    const out: ErrorRecord[] = [];
    for (let i = 0; i < batch.length; i++) {
      const line = batch[i]!;
      const text = line.text;
      if (text.length === 0) continue; // blank lines neither start nor end an event
      if (this.open !== 0 && this.openJoin && isContinuation(text, this.openRank, this.openContinued)) this.continueWith(line);
      else this.start(line, out);
    }
    this.stats.lines += batch.length;
    this.counters.flush();
    return out;
  }

  /** Ends the input: the open event's record, if it is one and `emit` is set. */
  end(emit: boolean): ErrorRecord[] {
    const out: ErrorRecord[] = [];
    if (this.open === 2 && emit) this.finish(out);
    this.counters.flush();
    return out;
  }

  private setParser(p: LineParser): void {
    this.parser = p;
    // Only these formats have header lines; the others skip the call.
    this.headers = p.format === 'cloudfront' || p.format === 'vpc-flow';
    this.stats.format = p.format;
    this.joining = this.rules.multiline.enabled && p.multiline;
    this.positional = POSITIONAL_FORMATS.has(p.format);
  }

  /** Effective rank when (rank, cls) makes a record, else -1. */
  private qualifies(rank: number, cls: ErrorClass): number {
    if (this.optIn.has(cls) && this.allowed.has(cls)) return LEVEL_RANK.error;
    if (this.everything) return rank;
    if (rank < this.minRank || !this.allowed.has(cls)) return -1;
    return rank;
  }

  /** A continuation line joins the open event, within the multi-line bounds. */
  private continueWith(line: Line): void {
    this.openContinued = true;
    this.openLast = line.number;
    if (this.open !== 2) return;
    this.openLines++;
    if (line.truncated) this.openTruncated = true;
    if (this.openCut) return;
    const { maxLines, maxBytes } = this.rules.multiline;
    if (this.openLines > maxLines || this.openBytes + line.bytes + 1 > maxBytes) {
      this.openCut = true;
      this.stats.multilineCuts++;
    } else {
      this.openParts.push(line.text);
      this.openBytes += line.bytes + 1;
    }
  }

  /** A line that starts an event: closes the open one, scans the line and opens its event. */
  private start(line: Line, out: ErrorRecord[]): void {
    const text = line.text;
    let p = this.parser!;
    if (this.open === 2) this.finish(out);
    this.open = 0;
    if (this.headers && p.isHeader(text)) {
      this.stats.headerLines++;
      this.onHeader?.(text);
      return;
    }
    this.counters.events++;
    let rank = p.scan(text);
    if (p.misfit === true) {
      // Not this format's shape: the generic classifier decides, and the line is counted.
      this.stats.fallbackLines++;
      if (this.positional) countParseFailure(this.stats, line.number, `the line does not fit the ${p.format} layout`);
      p = text.charCodeAt(0) === 123 ? this.fallbackJson : this.fallbackText;
      rank = p.scan(text);
    }
    let cls = p.cls;
    // The common verdicts skip the Set lookups of `qualifies`.
    let effective = cls === 'level' || cls === 'none'
      ? (this.everything || (rank >= this.minRank && this.allowed.has(cls)) ? rank : -1)
      : this.qualifies(rank, cls);
    const patterns = this.rules.errorPatterns;
    if (effective < 0 && patterns.length > 0 && this.allowed.has('pattern')) {
      for (const re of patterns) {
        if (re.test(text)) {
          rank = LEVEL_RANK.error;
          cls = 'pattern';
          effective = this.qualifies(rank, cls);
          break;
        }
      }
    }
    this.counters.level(levelIndex(rank), 1);
    this.counters.cls(cls, 1);
    this.openRank = rank;
    this.openCls = cls;
    this.openContinued = false;
    this.openLast = line.number;
    this.openParser = p;
    // A fallback event joins continuation lines when either its classifier or the format does.
    this.openJoin = p === this.parser ? this.joining : this.joining || (this.rules.multiline.enabled && p.multiline);
    if (effective < 0) {
      this.open = this.openJoin ? 1 : 0;
      return;
    }
    this.open = 2;
    this.openFirst = line;
    this.openParts = [text];
    this.openBytes = line.bytes;
    this.openLines = 1;
    this.openCut = false;
    this.openTruncated = line.truncated;
    if (!this.openJoin) this.finish(out);
  }

  /**
   * Turns the open record event into a record. An exception while parsing or building it is
   * contained: counted as a parse failure, and the event is built again from its bare text.
   */
  private finish(out: ErrorRecord[]): void {
    const first = this.openFirst!;
    const p = this.openParser!;
    try {
      this.finishWith(p, p.parse(first.text), out);
    } catch (error) {
      countParseFailure(this.stats, first.number, `building the record failed: ${errorMessage(error)}`);
      try {
        this.finishWith(p, bareParse(first.text, this.rules.maxMessageChars), out);
      } catch {
        // Counted above; nothing more can be made of this event.
      }
    }
    this.open = 0;
    this.openFirst = undefined;
    this.openParts = [];
  }

  /** The record of the open event, `parsed` by `p` (the full parse may overrule the scan). */
  private finishWith(p: LineParser, parsed: ParsedLine, out: ErrorRecord[]): void {
    const first = this.openFirst!;
    if (parsed.failed) countParseFailure(this.stats, first.number, parsed.failure ?? `not a valid ${p.format} line`);
    let rank = this.openRank;
    let cls = this.openCls;
    // The full parse may know better (ALB error_reason, CloudFront Error result, WAF action).
    if (parsed.class !== 'none') cls = parsed.class;
    if (parsed.level !== null && !parsed.failed) rank = LEVEL_RANK[parsed.level];
    let effective = this.qualifies(rank, cls);
    if (effective < 0 && this.qualifies(this.openRank, this.openCls) >= 0) {
      // Scan and parse disagree on a line the scan accepted; the scan's view is the conservative one.
      rank = this.openRank;
      cls = this.openCls;
      effective = this.qualifies(rank, cls);
    }
    if (cls !== this.openCls || rank !== this.openRank) {
      // Keep the counters in line with what the full parse decided.
      this.counters.cls(this.openCls, -1);
      this.counters.cls(cls, 1);
      this.counters.level(levelIndex(this.openRank), -1);
      this.counters.level(levelIndex(rank), 1);
    }
    if (effective >= 0) {
      const record = this.build({
        firstLine: first.number,
        lastLine: this.openLast,
        byteOffset: first.offset,
        text: this.openParts.length === 1 ? this.openParts[0]! : this.openParts.join('\n'),
        level: rankToLevel(effective) ?? 'none',
        cls,
        format: p.format,
        parsed,
        truncated: this.openTruncated || this.openCut,
        origin: first.origin,
      });
      if (record) out.push(record);
    }
  }
}

/** Formats read by field position: a line that does not fit them is also a parse failure. */
const POSITIONAL_FORMATS: ReadonlySet<LogFormat> = new Set<LogFormat>(['access', 'alb', 'elb', 'cloudfront', 's3-access', 'vpc-flow']);

/** What is left of a line whose structured parse threw: its text and its first timestamp. */
function bareParse(text: string, maxMessageChars: number): ParsedLine {
  return { level: null, class: 'none', timestamp: findTimestamp(text), message: text.slice(0, maxMessageChars), fields: {}, failed: true };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function validateOptions(options: RecordOptions): void {
  if (typeof options !== 'object' || options === null) throw new ParseOptionsError('options', 'an object', options);
  const { source } = options;
  if (typeof source !== 'object' || source === null) throw new ParseOptionsError('options.source', 'an object { bucket, key }', source);
  if (typeof source.bucket !== 'string') throw new ParseOptionsError('options.source.bucket', 'a string', source.bucket);
  if (typeof source.key !== 'string') throw new ParseOptionsError('options.source.key', 'a string', source.key);
  if (options.referenceTime !== undefined && !(options.referenceTime instanceof Date && Number.isFinite(options.referenceTime.getTime()))) {
    throw new ParseOptionsError('options.referenceTime', 'a valid Date', options.referenceTime);
  }
  if (options.format !== undefined && !LOG_FORMATS.includes(options.format)) {
    throw new ParseOptionsError('options.format', `one of ${LOG_FORMATS.join(', ')}`, options.format);
  }
  if (options.format === 'cloudtrail') {
    throw new ParseOptionsError('options.format', 'a line format (a {"Records":[…]} document goes to cloudTrailRecords)', options.format);
  }
}
