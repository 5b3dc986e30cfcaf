import type { Line } from '../stream/types.js';
import { LEVEL_RANK, LOG_FORMATS, OPT_IN_CLASSES } from './constants.js';
import { createParseStats } from './createParseStats.js';
import { createRecordBuilder } from './createRecordBuilder.js';
import { detectFormat } from './detectFormat.js';
import { ParseOptionsError } from './errors.js';
import { createLineParser } from './formats/createLineParser.js';
import { EXCEPTION_HEADER } from './formats/createTextParser.js';
import { rankToLevel } from './formats/levelRank.js';
import { parseRules } from './parseRules.js';
import type { ErrorClass, ErrorRecord, LineParser, RecordOptions } from './types.js';

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
  const rules = options.rules ?? DEFAULT_RULES;
  const stats = options.stats ?? createParseStats();
  const signal = options.signal;
  const build = createRecordBuilder({ source: options.source, rules, stats, groups: options.groups, grouper: options.grouper });
  const minRank = LEVEL_RANK[rules.minLevel];
  const everything = rules.minLevel === 'any';
  const allowed = new Set<ErrorClass>(rules.errorClasses);
  const optIn = new Set<ErrorClass>(OPT_IN_CLASSES);
  const patterns = rules.errorPatterns;
  const { maxLines, maxBytes } = rules.multiline;

  let parser: LineParser | undefined;
  let joining = false;

  // The open event, kept in scalars so that lines that start no record allocate nothing.
  let open = 0; // 0 none, 1 open but not a record, 2 open record
  let openRank = 0;
  let openCls: ErrorClass = 'none';
  let openFirst: Line | undefined;
  let openParts: string[] = [];
  let openLast = 0;
  let openBytes = 0;
  let openLines = 0;
  let openCut = false;
  let openTruncated = false;
  let openContinued = false;

  const levelCounts = new Float64Array(7); // none, trace, debug, info, warn, error, fatal
  let levelClass = 0;
  let noneClass = 0;
  let events = 0;
  function flushCounts(): void {
    stats.events += events;
    events = 0;
    const l = stats.levels;
    l.none += levelCounts[0]!;
    l.trace += levelCounts[1]!;
    l.debug += levelCounts[2]!;
    l.info += levelCounts[3]!;
    l.warn += levelCounts[4]!;
    l.error += levelCounts[5]!;
    l.fatal += levelCounts[6]!;
    levelCounts.fill(0);
    if (levelClass > 0) stats.classes.level = (stats.classes.level ?? 0) + levelClass;
    if (noneClass > 0) stats.classes.none = (stats.classes.none ?? 0) + noneClass;
    levelClass = 0;
    noneClass = 0;
  }

  function countClass(cls: ErrorClass, n: number): void {
    if (cls === 'level') levelClass += n;
    else if (cls === 'none') noneClass += n;
    else {
      const count = (stats.classes[cls] ?? 0) + n;
      if (count === 0) delete stats.classes[cls];
      else stats.classes[cls] = count;
    }
  }

  let headers = false;
  function setParser(p: LineParser): void {
    parser = p;
    // Only these formats have header lines; the others skip the call.
    headers = p.format === 'cloudfront' || p.format === 'vpc-flow';
    stats.format = p.format;
    joining = rules.multiline.enabled && p.multiline;
  }

  /** Effective rank when (rank, cls) makes a record, else -1. */
  function qualifies(rank: number, cls: ErrorClass): number {
    if (optIn.has(cls) && allowed.has(cls)) return LEVEL_RANK.error;
    if (everything) return rank;
    if (rank < minRank || !allowed.has(cls)) return -1;
    return rank;
  }

  function finish(out: ErrorRecord[]): void {
    const first = openFirst!;
    const p = parser!;
    const parsed = p.parse(first.text);
    if (parsed.failed) stats.parseFailures++;
    let rank = openRank;
    let cls = openCls;
    // The full parse may know better (ALB error_reason, CloudFront Error result, WAF action).
    if (parsed.class !== 'none') cls = parsed.class;
    if (parsed.level !== null && !parsed.failed) rank = LEVEL_RANK[parsed.level];
    let effective = qualifies(rank, cls);
    if (effective < 0 && qualifies(openRank, openCls) >= 0) {
      // Scan and parse disagree on a line the scan accepted; the scan's view is the conservative one.
      rank = openRank;
      cls = openCls;
      effective = qualifies(rank, cls);
    }
    if (cls !== openCls || rank !== openRank) {
      // Keep the counters in line with what the full parse decided.
      countClass(openCls, -1);
      countClass(cls, 1);
      levelCounts[levelIndex(openRank)]!--;
      levelCounts[levelIndex(rank)]!++;
    }
    if (effective >= 0) {
      const record = build({
        firstLine: first.number,
        lastLine: openLast,
        byteOffset: first.offset,
        text: openParts.length === 1 ? openParts[0]! : openParts.join('\n'),
        level: rankToLevel(effective) ?? 'none',
        cls,
        format: p.format,
        parsed,
        truncated: openTruncated || openCut,
        origin: first.origin,
      });
      if (record) out.push(record);
    }
    open = 0;
    openFirst = undefined;
    openParts = [];
  }

  function isContinuation(text: string): boolean {
    const c = text.charCodeAt(0);
    if (c === 32 || c === 9) return true; // frames (`    at `, `\tat `, `  File "…"`), indented JSON
    if (c === 125 || c === 93) return true; // `}` / `]` closing a JSON body printed under a log line
    if ((c === 123 || c === 91) && text.length <= 2) return true; // `{` / `[` opening one
    if (c === 67 && text.startsWith('Caused by:')) return true;
    if (c === 84 && text.startsWith('Traceback (')) return true;
    if (c === 46 && /^\.\.\. \d+ (?:more|common frames omitted)/.test(text)) return true;
    if (c === 45 && text.startsWith('--- End of')) return true;
    // An exception header (`java.lang.IllegalStateException: boom`, `KeyError: 'x'`) belongs to an
    // event that is already an error or already has frames; otherwise it starts its own event.
    if ((openRank >= LEVEL_RANK.warn || openContinued) && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) {
      return EXCEPTION_HEADER.test(text);
    }
    return false;
  }

  const parserOptions = options.referenceTime === undefined ? {} : { referenceTime: options.referenceTime.getTime() };
  if (options.format !== undefined) setParser(createLineParser(options.format, parserOptions));
  try {
    for await (const batch of batches) {
      signal?.throwIfAborted();
      if (batch.length === 0) continue;
      if (parser === undefined) {
        const head: string[] = [];
        for (let i = 0; i < batch.length && i < 20; i++) head.push(batch[i]!.text);
        setParser(createLineParser(detectFormat(head, options.source.key), parserOptions));
      }
      const p = parser!;
      const out: ErrorRecord[] = [];
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        const text = line.text;
        if (text.length === 0) continue; // blank lines neither start nor end an event
        if (open !== 0 && joining && isContinuation(text)) {
          openContinued = true;
          openLast = line.number;
          if (open === 2) {
            openLines++;
            if (line.truncated) openTruncated = true;
            if (!openCut) {
              if (openLines > maxLines || openBytes + line.bytes + 1 > maxBytes) {
                openCut = true;
                stats.multilineCuts++;
              } else {
                openParts.push(text);
                openBytes += line.bytes + 1;
              }
            }
          }
          continue;
        }
        if (open === 2) finish(out);
        open = 0;
        if (headers && p.isHeader(text)) {
          stats.headerLines++;
          continue;
        }
        events++;
        let rank = p.scan(text);
        let cls = p.cls;
        // The common verdicts skip the Set lookups of `qualifies`.
        let effective = cls === 'level' || cls === 'none'
          ? (everything || (rank >= minRank && allowed.has(cls)) ? rank : -1)
          : qualifies(rank, cls);
        if (effective < 0 && patterns.length > 0 && allowed.has('pattern')) {
          for (const re of patterns) {
            if (re.test(text)) {
              rank = LEVEL_RANK.error;
              cls = 'pattern';
              effective = qualifies(rank, cls);
              break;
            }
          }
        }
        // Counted locally (no keyed stores on the hot path) and flushed into stats after each batch.
        levelCounts[levelIndex(rank)]!++;
        countClass(cls, 1);
        openRank = rank;
        openCls = cls;
        openContinued = false;
        openLast = line.number;
        if (effective < 0) {
          open = joining ? 1 : 0;
          continue;
        }
        open = 2;
        openFirst = line;
        openParts = [text];
        openBytes = line.bytes;
        openLines = 1;
        openCut = false;
        openTruncated = line.truncated;
        if (!joining) finish(out);
      }
      stats.lines += batch.length;
      flushCounts();
      if (out.length > 0) yield out;
    }
  } catch (error) {
    // The source failed: the event still open is complete as far as anyone will know, so it is
    // handed out before the error, like every record before it.
    flushCounts();
    if (open === 2 && !signal?.aborted) {
      const out: ErrorRecord[] = [];
      finish(out);
      if (out.length > 0) yield out;
    }
    throw error;
  }
  signal?.throwIfAborted();
  if (open === 2) {
    const out: ErrorRecord[] = [];
    finish(out);
    if (out.length > 0) yield out;
  }
}

/** Index in the local level counters: none, trace, debug, info, warn, error, fatal. */
function levelIndex(rank: number): number {
  return rank >= 60 ? 6 : rank >= 50 ? 5 : rank >= 40 ? 4 : rank >= 30 ? 3 : rank >= 20 ? 2 : rank >= 10 ? 1 : 0;
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
