import type { Config } from '../config/types.js';
import type { ErrorPart } from '../output/writeErrorRecords.js';
import { cloudTrailRecords } from '../parse/cloudTrailRecords.js';
import { cloudWatchLogsEvents } from '../parse/cloudWatchLogsEvents.js';
import { createCloudWatchLogsStats } from '../parse/createCloudWatchLogsStats.js';
import { CloudTrailParseError, CloudWatchLogsParseError } from '../parse/errors.js';
import type { ErrorGroups } from '../parse/ErrorGroups.js';
import { records } from '../parse/records.js';
import { sniffFormat } from '../parse/sniffFormat.js';
import type { CloudWatchLogsStats, ErrorRecord, EventBoundary, ParseStats, RecordOptions, SourceRef } from '../parse/types.js';
import { crLineEndings } from '../stream/crLineEndings.js';
import { decompress } from '../stream/decompress.js';
import { discardBytes } from '../stream/discardBytes.js';
import { DecompressError, ReadStoppedError } from '../stream/errors.js';
import { splitAfterStop } from '../stream/splitAfterStop.js';
import type { BoundarySearch } from '../stream/splitAfterStop.js';
import { stopReading } from '../stream/stopReading.js';
import { bomEncoding, utf16ToUtf8 } from '../stream/utf16ToUtf8.js';
import type { Utf16Encoding } from '../stream/utf16ToUtf8.js';
import { lineBatches } from '../stream/lineBatches.js';
import type { CompressionFormat, Line, LineOptions, LineStats } from '../stream/types.js';
import { noteHeader, skippedTotal, startState, takeCheckpoint } from './analysisState.js';
import type { RunState } from './analysisState.js';
import type { AnalysisCheckpoint } from './checkpoint.js';
import { peekBytes } from './peekBytes.js';
import { withProgress } from './withProgress.js';

const LF = 0x0a;
const CR = 0x0d;
/** Decompressed bytes read before the format is chosen. */
const SNIFF_BYTES = 64 * 1024;
/** Time between progress reports on a long object. */
const PROGRESS_INTERVAL_MS = 5_000;
/**
 * Decompressed bytes read after a stop while looking for an event boundary, at least (4 × the
 * multi-line bound when that is more): past it the object stops as it would without `continuable`.
 */
const BOUNDARY_SEARCH_BYTES = 16 * 1024 * 1024;
/** Why an input cannot be continued at a stop (the summary's reason says it). */
const NOT_CONTINUED = {
  cloudtrail: 'a CloudTrail {"Records":[…]} document is one JSON document, read in one invocation',
  cloudWatchLogs: 'CloudWatch Logs subscription envelopes are read in one invocation',
  utf16: 'UTF-16 text is re-encoded as UTF-8, and a continued read cannot find its place in the original bytes',
} as const;

/** Live counters handed to a progress callback. */
export interface Progress {
  key: string;
  elapsedMs: number;
  bytesIn: number;
  bytesOut: number;
  lines: number;
  records: number;
}

/** Where the error records go: S3 through lib-storage in the Lambda, a local file in the CLI. */
export type RecordsWriter = (records: AsyncIterable<ErrorRecord[]>) => Promise<ErrorPart | undefined>;

/** Options of {@link analyzeBytes}. */
export interface AnalyzeOptions {
  /** The object the bytes come from; copied into every record. */
  source: SourceRef;
  config: Pick<Config, 'rules' | 'maxLineBytes' | 'longLines'>;
  writeRecords: RecordsWriter;
  signal?: AbortSignal;
  /**
   * Ends the input when it fires (the invocation's deadline): the records found so far are still
   * written and `stopped` is set. Unlike `signal`, which abandons the work.
   */
  stopReading?: AbortSignal;
  /** When the object was written (S3 LastModified, a file's mtime): the year of year-less stamps (syslog RFC 3164). */
  referenceTime?: Date;
  /** Called about every 5 s while the bytes are read. */
  onProgress?: (progress: Progress) => void;
  /**
   * With `stopReading`: when it fires, stop at the next event boundary (the open event is finished
   * and the line that starts the next one is left for the next invocation) and return
   * `analysis.checkpoint` instead of a failure. Objects that cannot be continued (CloudTrail
   * documents, CloudWatch Logs envelopes, UTF-16 text) stop as without it, and `failure` says why.
   */
  continuable?: boolean;
  /**
   * Go on with an object from a checkpoint of an earlier `continuable` analysis: `bytes` then start
   * at `resume.position.compressedOffset` of the same object version (`s3Source` option `start`).
   */
  resume?: AnalysisCheckpoint;
}

/** Everything the summary is made of, besides where it came from and where it goes. */
export interface Analysis {
  compression: CompressionFormat;
  bytesIn: number;
  bytesOut: number;
  lineStats: LineStats;
  parseStats: ParseStats;
  /**
   * Set when the object held CloudWatch Logs subscription envelopes: their counters. `parseStats.format`
   * is then the format detected in the log events' messages.
   */
  cloudWatchLogs: CloudWatchLogsStats | undefined;
  groups: ErrorGroups;
  /** Records grouped by masked text alone: the learned step's cluster bound was reached. */
  unclustered: number;
  /** Records written, by level. */
  tally: { errors: number; warnings: number };
  part: ErrorPart | undefined;
  /** Set when the input was corrupt or truncated, or reading was stopped: what was read before was still analysed. */
  failure: string | undefined;
  /** Reading was stopped by `stopReading` before the end: `failure` says where. */
  stopped: boolean;
  /** Set when the text was UTF-16 (named by its byte order mark) and was re-encoded as UTF-8 to be read. */
  encoding: Utf16Encoding | undefined;
  /**
   * Set when a `continuable` analysis stopped at an event boundary: hand it to the next invocation
   * (`resume`). Undefined when the object was read to its end (or could not be continued).
   */
  checkpoint?: AnalysisCheckpoint | undefined;
  /** Error parts of the earlier invocations (from `resume`), before `part`. */
  earlierParts?: ErrorPart[] | undefined;
}

/**
 * The pipeline between a byte source and a records writer: decompression sniffed from the bytes,
 * the format picked from the first 64 KiB, lines (or CloudTrail events, or the messages of CloudWatch
 * Logs subscription envelopes) turned into error records, and the records handed to `writeRecords`.
 * Corrupt or truncated input, or `stopReading` firing, ends the stream quietly and is reported in
 * `failure`; any other error propagates.
 *
 * Memory: source chunks joined up to 256 KiB (`COALESCE_BYTES`), one decompressed chunk, one
 * `maxLineBytes` partial line (for envelopes: one log event and
 * one envelope's metadata, see `cloudWatchLogsEvents`), one open multi-line event and the tracked
 * groups, plus what the writer holds; never the object.
 *
 * @example const analysis = await analyzeBytes(createReadStream('app.log.gz'), { source, config, writeRecords });
 */
export async function analyzeBytes(bytes: AsyncIterable<Uint8Array>, options: AnalyzeOptions): Promise<Analysis> {
  const { source, config } = options;
  const run = startState(options.resume, config.rules.keptGroups);
  const stop = createStop(options);
  const decompressed = decompress(stop.input(bytes), options.resume ? { compression: options.resume.position.compression } : {});
  const read: ReadState = { cloudWatchLogs: undefined, encoding: undefined, notContinued: undefined, boundary: undefined, search: { searching: false, before: undefined } };
  let inputError: Error | undefined;

  const progressed = withProgress(decompressed, PROGRESS_INTERVAL_MS, (elapsedMs) =>
    options.onProgress?.({
      key: source.key,
      elapsedMs,
      bytesIn: run.base.compressed + decompressed.bytesIn,
      bytesOut: run.base.decompressed + decompressed.bytesOut,
      lines: run.lineStats.lines,
      records: run.parseStats.records,
    }),
  );
  const found = options.resume
    ? readLines(discardBytes(progressed, options.resume.position.skipBytes, options.resume.position.compression), options, run, read, stop)
    : readSniffed(progressed, options, run, read, stop);
  let part: ErrorPart | undefined;
  try {
    part = await options.writeRecords(
      tallyRecords(found, run.tally, (err) => {
        inputError = err;
      }),
    );
  } finally {
    stop.dispose();
  }

  // Taken before the learned step's end-of-stream merge, which the next invocation must not see.
  const checkpoint = read.boundary ? takeCheckpoint(run, decompressed, read.boundary, read.search.before!, part) : undefined;
  // Final templates: the learned step's end-of-stream merge, before the summary reads them.
  run.grouper.finish();
  const skipped = skippedTotal(run, decompressed);
  const failure = inputError
    ? describeInputError(inputError, run.lineStats.lines) + (read.notContinued && inputError instanceof ReadStoppedError ? `; not continued: ${read.notContinued}` : '')
    : checkpoint ? undefined : run.encodingFailure ?? describeSkipped(decompressed.compression, skipped);
  return {
    compression: decompressed.compression ?? 'none',
    bytesIn: run.base.compressed + decompressed.bytesIn,
    bytesOut: run.base.decompressed + decompressed.bytesOut,
    lineStats: run.lineStats,
    parseStats: run.parseStats,
    cloudWatchLogs: read.cloudWatchLogs,
    groups: run.groups,
    unclustered: run.grouper.unclustered,
    tally: run.tally,
    part,
    failure,
    encoding: read.encoding,
    stopped: inputError instanceof ReadStoppedError || checkpoint !== undefined,
    checkpoint,
    earlierParts: run.parts,
  };
}

/** What the reading found out on the way: the kind of input, and where it stopped. */
interface ReadState {
  cloudWatchLogs: CloudWatchLogsStats | undefined;
  encoding: Utf16Encoding | undefined;
  /** Why a `continuable` analysis of this input cannot be continued. */
  notContinued: string | undefined;
  /** The first line of the next event, when the reading stopped before it. */
  boundary: Line | undefined;
  search: BoundarySearch;
}

/**
 * How `stopReading` acts: it ends the input at once (as without `continuable`), or, for an input
 * that can be continued, starts the search for an event boundary (`splitAfterStop`). Until the
 * sniff has said which, a stop waits for it.
 */
interface Stop {
  /** The source, ended when the stop is one that ends the input. */
  input(bytes: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  /** The sniff's verdict: whether this input is continued at the stop. */
  decide(continued: boolean): void;
  /** The signal the boundary search starts on, when continued. */
  readonly signal: AbortSignal | undefined;
  dispose(): void;
}

function createStop(options: AnalyzeOptions): Stop {
  const signal = options.stopReading;
  const hard = new AbortController();
  let continued: boolean | undefined = options.continuable === true ? undefined : false;
  const onStop = (): void => {
    if (continued === false) hard.abort(signal!.reason);
  };
  signal?.addEventListener('abort', onStop, { once: true });
  // A signal that fired before the analysis began (the deadline passed while the object was opened) sends no event.
  if (signal?.aborted === true) onStop();
  return {
    input: (bytes) => (signal ? stopReading(bytes, hard.signal) : bytes),
    decide(value) {
      if (options.continuable !== true) return;
      continued = value;
      if (signal?.aborted === true) onStop();
    },
    get signal() {
      return continued === true ? signal : undefined;
    },
    dispose: () => signal?.removeEventListener('abort', onStop),
  };
}

/** A fresh read: the byte order mark, line endings and format sniffed from the first 64 KiB, then the records. */
async function* readSniffed(progressed: AsyncIterable<Uint8Array>, options: AnalyzeOptions, run: RunState, read: ReadState, stop: Stop): AsyncGenerator<ErrorRecord[]> {
  const { source, config, signal } = options;
  const peek = await peekBytes(progressed, SNIFF_BYTES);
  let { head, rest: peeked } = peek;
  const bom = bomEncoding(head);
  if (bom === 'utf-16le' || bom === 'utf-16be') {
    // Everything downstream reads UTF-8: the text is re-encoded (line offsets then count UTF-8 bytes).
    read.encoding = bom;
    peeked = utf16ToUtf8(peeked, bom);
    head = Buffer.from(new TextDecoder(bom).decode(head), 'utf8');
  } else if (bom !== undefined) {
    run.encodingFailure = `the object starts with a ${bom.toUpperCase()} byte order mark: UTF-32 is not decoded, its lines were read as UTF-8`;
  }
  // Lone CR line endings: the line stage splits at LF, so rewrite them, byte for byte.
  run.crLineEndings = head.indexOf(LF) === -1 && head.indexOf(CR) !== -1;
  const rest = run.crLineEndings ? crLineEndings(peeked) : peeked;
  const format = sniffFormat(run.crLineEndings ? Buffer.from(head).map((b) => (b === CR ? LF : b)) : head, source.key);
  read.notContinued = format === 'cloudtrail' ? NOT_CONTINUED.cloudtrail : format === 'cloudwatch-logs' ? NOT_CONTINUED.cloudWatchLogs : read.encoding ? NOT_CONTINUED.utf16 : undefined;
  stop.decide(read.notContinued === undefined);
  if (format === 'cloudtrail') {
    yield* cloudTrailRecords(rest, recordOptions(options, run));
  } else if (format === 'cloudwatch-logs') {
    // The envelopes' messages become lines; `records` detects their format like any object's.
    const envelopeStats = (read.cloudWatchLogs = createCloudWatchLogsStats());
    yield* records(cloudWatchLogsEvents(rest, { ...lineOptions(config, run), envelopeStats, source, signal }), recordOptions(options, run));
  } else {
    run.format = format;
    yield* readLines(rest, options, run, read, stop);
  }
}

/** Lines to records, in the format chosen (or restored); stops at an event boundary once the stop's signal fired. */
async function* readLines(
  bytes: AsyncIterable<Uint8Array>,
  options: AnalyzeOptions,
  run: RunState,
  read: ReadState,
  stop: Stop,
): AsyncGenerator<ErrorRecord[]> {
  const resumed = options.resume?.position;
  if (resumed) stop.decide(true);
  const input = resumed && run.crLineEndings ? crLineEndings(bytes) : bytes;
  const signal = stop.signal;
  const split = signal
    ? splitAfterStop(input, { signal, stats: run.lineStats, search: read.search, maxBytes: Math.max(BOUNDARY_SEARCH_BYTES, 4 * options.config.rules.multiline.maxBytes) })
    : input;
  const lineOpts = { ...lineOptions(options.config, run), ...(resumed ? { start: { offset: resumed.decompressedOffset, line: resumed.line } } : {}) };
  const boundary: EventBoundary = {
    get searching() {
      return read.search.searching;
    },
    found: (line) => {
      read.boundary = line;
    },
    header: (text) => noteHeader(run, text),
    replay: run.headerLines.slice(),
  };
  yield* records(lineBatches(split, lineOpts), { ...recordOptions(options, run), format: run.format!, boundary });
}

function recordOptions(options: AnalyzeOptions, run: RunState): RecordOptions {
  const { source, config, signal, referenceTime } = options;
  return { source, rules: config.rules, stats: run.parseStats, groups: run.groups, grouper: run.grouper, ...(signal ? { signal } : {}), ...(referenceTime ? { referenceTime } : {}) };
}

/** Empty lines never make a record: counted, not materialised (1 GiB of bare newlines is a byte scan). */
function lineOptions(config: AnalyzeOptions['config'], run: RunState): LineOptions {
  return { maxLineBytes: config.maxLineBytes, longLines: config.longLines, stats: run.lineStats, emptyLines: 'count' };
}

/**
 * Passes records through, counting them by level, and ends the stream quietly at corrupt or
 * truncated input or a stop of the reading, handing the error to `onError`, so the records found
 * before it are still written.
 */
async function* tallyRecords(
  found: AsyncIterable<ErrorRecord[]>,
  tally: { errors: number; warnings: number },
  onError: (err: Error) => void,
): AsyncGenerator<ErrorRecord[]> {
  try {
    for await (const group of found) {
      for (const record of group) {
        if (record.level === 'error' || record.level === 'fatal') tally.errors++;
        else if (record.level === 'warn') tally.warnings++;
      }
      yield group;
    }
  } catch (err) {
    if (err instanceof DecompressError || err instanceof CloudTrailParseError || err instanceof CloudWatchLogsParseError || err instanceof ReadStoppedError) {
      onError(err);
      return;
    }
    throw err;
  }
}

/** The failure of a stream that had bytes outside any member or frame: nothing else was lost, but it is not complete. */
function describeSkipped(compression: CompressionFormat | undefined, skipped: { bytes: number; firstAt: number }): string | undefined {
  if (skipped.bytes === 0) return undefined;
  const unit = compression === 'zstd' ? 'zstd frame' : 'gzip member';
  return `${skipped.bytes} compressed bytes from byte ${skipped.firstAt} were no ${unit} (trailing garbage, or bytes between members) and were skipped; every ${unit} before and after them was read`;
}

function describeInputError(err: Error, lines: number): string {
  if (err instanceof DecompressError) {
    return `${err.message}; ${err.bytesOut} bytes decompressed and ${err.linesEmitted ?? lines} lines read before it`;
  }
  if (err instanceof ReadStoppedError) return `${err.message}; ${err.linesEmitted ?? lines} lines read before it`;
  return err.message;
}
