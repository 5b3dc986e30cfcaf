import type { Config } from '../config/types.js';
import type { ErrorPart } from '../output/writeErrorRecords.js';
import { cloudTrailRecords } from '../parse/cloudTrailRecords.js';
import { cloudWatchLogsEvents } from '../parse/cloudWatchLogsEvents.js';
import { createCloudWatchLogsStats } from '../parse/createCloudWatchLogsStats.js';
import { createParseStats } from '../parse/createParseStats.js';
import { CloudTrailParseError, CloudWatchLogsParseError } from '../parse/errors.js';
import { ErrorGroups } from '../parse/ErrorGroups.js';
import { TemplateGrouper } from '../parse/TemplateGrouper.js';
import { records } from '../parse/records.js';
import { sniffFormat } from '../parse/sniffFormat.js';
import type { CloudWatchLogsStats, ErrorRecord, ParseStats, SourceRef } from '../parse/types.js';
import { createLineStats } from '../stream/createLineStats.js';
import { crLineEndings } from '../stream/crLineEndings.js';
import { decompress } from '../stream/decompress.js';
import { DecompressError, ReadStoppedError } from '../stream/errors.js';
import { stopReading } from '../stream/stopReading.js';
import { bomEncoding, utf16ToUtf8 } from '../stream/utf16ToUtf8.js';
import type { Utf16Encoding } from '../stream/utf16ToUtf8.js';
import { lineBatches } from '../stream/lineBatches.js';
import type { CompressionFormat, DecompressedStream, LineStats } from '../stream/types.js';
import type { AnalysisCheckpoint } from './checkpoint.js';
import { peekBytes } from './peekBytes.js';
import { withProgress } from './withProgress.js';

const LF = 0x0a;
const CR = 0x0d;
/** Decompressed bytes read before the format is chosen. */
const SNIFF_BYTES = 64 * 1024;
/** Time between progress reports on a long object. */
const PROGRESS_INTERVAL_MS = 5_000;

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
 * Memory: one decompressed chunk, one `maxLineBytes` partial line (for envelopes: one log event and
 * one envelope's metadata, see `cloudWatchLogsEvents`), one open multi-line event and the tracked
 * groups, plus what the writer holds; never the object.
 *
 * @example const analysis = await analyzeBytes(createReadStream('app.log.gz'), { source, config, writeRecords });
 */
export async function analyzeBytes(bytes: AsyncIterable<Uint8Array>, options: AnalyzeOptions): Promise<Analysis> {
  const { source, config, signal } = options;
  const decompressed = decompress(options.stopReading ? stopReading(bytes, options.stopReading) : bytes);
  const lineStats = createLineStats();
  const parseStats = createParseStats();
  const groups = new ErrorGroups({ maxGroups: config.rules.keptGroups });
  const grouper = new TemplateGrouper();
  const tally = { errors: 0, warnings: 0 };
  let cloudWatchLogs: CloudWatchLogsStats | undefined;
  let inputError: Error | undefined;
  let encoding: Utf16Encoding | undefined;
  let encodingFailure: string | undefined;

  const progressed = withProgress(decompressed, PROGRESS_INTERVAL_MS, (elapsedMs) =>
    options.onProgress?.({
      key: source.key,
      elapsedMs,
      bytesIn: decompressed.bytesIn,
      bytesOut: decompressed.bytesOut,
      lines: lineStats.lines,
      records: parseStats.records,
    }),
  );

  const found = (async function* (): AsyncGenerator<ErrorRecord[]> {
    const peek = await peekBytes(progressed, SNIFF_BYTES);
    let { head, rest: peeked } = peek;
    const bom = bomEncoding(head);
    if (bom === 'utf-16le' || bom === 'utf-16be') {
      // Everything downstream reads UTF-8: the text is re-encoded (line offsets then count UTF-8 bytes).
      encoding = bom;
      peeked = utf16ToUtf8(peeked, bom);
      head = Buffer.from(new TextDecoder(bom).decode(head), 'utf8');
    } else if (bom !== undefined) {
      encodingFailure = `the object starts with a ${bom.toUpperCase()} byte order mark: UTF-32 is not decoded, its lines were read as UTF-8`;
    }
    // Lone CR line endings: the line stage splits at LF, so rewrite them, byte for byte.
    const rest = head.indexOf(LF) === -1 && head.indexOf(CR) !== -1 ? crLineEndings(peeked) : peeked;
    const format = sniffFormat(rest === peeked ? head : Buffer.from(head).map((b) => (b === CR ? LF : b)), source.key);
    const recordOptions = { source, rules: config.rules, stats: parseStats, groups, grouper, signal, referenceTime: options.referenceTime };
    // Empty lines never make a record: counted, not materialised (1 GiB of bare newlines is a byte scan).
    const lineOptions = { maxLineBytes: config.maxLineBytes, longLines: config.longLines, stats: lineStats, emptyLines: 'count' as const };
    if (format === 'cloudtrail') {
      yield* cloudTrailRecords(rest, recordOptions);
    } else if (format === 'cloudwatch-logs') {
      // The envelopes' messages become lines; `records` detects their format like any object's.
      const envelopeStats = (cloudWatchLogs = createCloudWatchLogsStats());
      yield* records(cloudWatchLogsEvents(rest, { ...lineOptions, envelopeStats, source, signal }), recordOptions);
    } else {
      yield* records(lineBatches(rest, lineOptions), { ...recordOptions, format });
    }
  })();

  const part = await options.writeRecords(
    tallyRecords(found, tally, (err) => {
      inputError = err;
    }),
  );

  // Final templates: the learned step's end-of-stream merge, before the summary reads them.
  grouper.finish();
  return {
    compression: decompressed.compression ?? 'none',
    bytesIn: decompressed.bytesIn,
    bytesOut: decompressed.bytesOut,
    lineStats,
    parseStats,
    cloudWatchLogs,
    groups,
    unclustered: grouper.unclustered,
    tally,
    part,
    failure: inputError ? describeInputError(inputError, lineStats.lines) : encodingFailure ?? describeSkipped(decompressed),
    encoding,
    stopped: inputError instanceof ReadStoppedError,
  };
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
function describeSkipped(stream: DecompressedStream): string | undefined {
  if (stream.skippedBytes === 0) return undefined;
  const unit = stream.compression === 'zstd' ? 'zstd frame' : 'gzip member';
  return `${stream.skippedBytes} compressed bytes from byte ${stream.firstSkippedAt} were no ${unit} (trailing garbage, or bytes between members) and were skipped; every ${unit} before and after them was read`;
}

function describeInputError(err: Error, lines: number): string {
  if (err instanceof DecompressError) {
    return `${err.message}; ${err.bytesOut} bytes decompressed and ${err.linesEmitted ?? lines} lines read before it`;
  }
  if (err instanceof ReadStoppedError) return `${err.message}; ${err.linesEmitted ?? lines} lines read before it`;
  return err.message;
}
