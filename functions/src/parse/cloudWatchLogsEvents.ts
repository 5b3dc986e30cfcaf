import { setImmediate as nextTurn } from 'node:timers/promises';

import { SYNC_SLICE_BYTES } from '../stream/constants.js';
import { resolveLineOptions } from '../stream/createLineSplitter.js';
import type { Line, LineOptions } from '../stream/types.js';
import { createCloudWatchLogsStats } from './createCloudWatchLogsStats.js';
import { DETECT_LINES } from './constants.js';
import { EnvelopeReader } from './EnvelopeReader.js';
import type { EnvelopeFailure } from './EnvelopeReader.js';
import { CloudWatchLogsParseError, ParseOptionsError } from './errors.js';
import type { CloudWatchLogsStats, SourceRef } from './types.js';

/** Options of {@link cloudWatchLogsEvents}: those of the line stage, plus where the bytes come from. */
export interface CloudWatchLogsOptions extends LineOptions {
  /** The object being read; named in a `CloudWatchLogsParseError`. */
  source?: Pick<SourceRef, 'bucket' | 'key'>;
  /** Envelope counters to fill; create with `createCloudWatchLogsStats()` to read them afterwards. */
  envelopeStats?: CloudWatchLogsStats;
  /** Stops iteration with the signal's reason. */
  signal?: AbortSignal;
}


/**
 * Unpacks CloudWatch Logs subscription data (CloudWatch Logs → subscription filter → Firehose → S3):
 * reads envelopes `{"messageType":"DATA_MESSAGE","owner":…,"logGroup":…,"logStream":…,"logEvents":[…]}`
 * written back to back (`}{`), newline-separated, or one pretty-printed, and turns the message of
 * each log event into lines shaped like the line stage's, one array per slice of input, for
 * `records` to classify with the usual format detection, multi-line joining and grouping.
 *
 * - A message is split at its newlines (a trailing one ends it, CR LF is accepted), so the
 *   continuation rules of `records` join a stack trace logged as one event; all its lines carry the
 *   byte offset of the event's `{` and one shared `origin` (`logGroup`, `logStream`, `owner`,
 *   `logEventId`, and the event timestamp, used when the text has none). Line numbers count these
 *   lines across the object.
 * - A message longer than `maxLineBytes` (UTF-8) is cut to it (`longLines: 'truncate'`, counted in
 *   `stats.truncatedLines`, the cut line flagged `truncated`) or dropped (`'skip'`, counted in
 *   `stats.skippedLines`).
 * - `CONTROL_MESSAGE` envelopes are skipped and counted in `envelopeStats.controlMessages`.
 *
 * Memory: one envelope's metadata (its small top-level values, until it ends), one log event being
 * read (`EnvelopeReader`: whole, its bytes as one string for `JSON.parse`, or token by token with one
 * unfinished token, so a message is in memory whole before it is cut; CloudWatch Logs bounds the size
 * of an event), the lines of one input slice (≤ 256 KiB of input,
 * `SYNC_SLICE_BYTES`, with an event-loop turn between slices; the first batch waits for 20 lines,
 * `DETECT_LINES`, the lines `records` detects the format from), and events that arrive before their
 * envelope's metadata keys (at most 1 Mi characters, `PENDING_MAX_CHARS`, and 10 000 events,
 * `PENDING_MAX_EVENTS`; none in AWS's key order). Values nested deeper than 512 levels
 * (`MAX_JSON_DEPTH`) are replaced by `null` and counted in `envelopeStats.deepValues`.
 * Breaking out of the loop returns the source iterator.
 *
 * @throws CloudWatchLogsParseError when the bytes are not JSON (invalid UTF-8 in a string included),
 * end inside an envelope, or hold a value that is not an envelope; with the byte offset. The lines
 * of the events read before the damage are yielded first.
 * @example
 * const envelopeStats = createCloudWatchLogsStats();
 * for await (const batch of records(cloudWatchLogsEvents(decompress(body), { envelopeStats }), { source })) write(batch);
 */
export async function* cloudWatchLogsEvents(
  bytes: AsyncIterable<Uint8Array>,
  options: CloudWatchLogsOptions = {},
): AsyncGenerator<Line[], void, undefined> {
  const { maxLineBytes, longLines, stats } = resolveLineOptions(options);
  const { source, signal } = options;
  if (source !== undefined && (typeof source !== 'object' || source === null || typeof source.key !== 'string')) {
    throw new ParseOptionsError('options.source', 'an object { bucket: string, key: string }', source);
  }
  const envelopeStats = options.envelopeStats ?? createCloudWatchLogsStats();
  if (typeof envelopeStats !== 'object' || envelopeStats === null || typeof envelopeStats.envelopes !== 'number') {
    throw new ParseOptionsError('options.envelopeStats', 'a CloudWatchLogsStats object (see createCloudWatchLogsStats())', envelopeStats);
  }
  const reader = new EnvelopeReader({ maxLineBytes, longLines, stats }, envelopeStats);
  // `records` detects the format from the first lines of the first batch, so that batch waits for
  // DETECT_LINES lines: the detected format must not depend on where the input was chunked.
  let yielded = false;
  const ready = (): boolean => reader.out.length >= (yielded ? 1 : DETECT_LINES);
  const parseError = (damage: EnvelopeFailure, message = damage.message): CloudWatchLogsParseError =>
    new CloudWatchLogsParseError(message, {
      ...(source ? { bucket: source.bucket, key: source.key } : {}),
      byteOffset: damage.offset,
      envelope: reader.envelope,
    }, { cause: damage.cause });

  const iterator = bytes[Symbol.asyncIterator]();
  try {
    for (;;) {
      let result: IteratorResult<Uint8Array>;
      try {
        result = await iterator.next();
      } catch (error) {
        // The source failed (a cut gzip stream…): the lines read so far still go out, then the error.
        if (reader.out.length > 0 && signal?.aborted !== true) yield reader.take();
        throw error;
      }
      if (result.done === true) break;
      const chunk = result.value;
      signal?.throwIfAborted();
      for (let from = 0; from < chunk.byteLength; from += SYNC_SLICE_BYTES) {
        if (from > 0) {
          await nextTurn();
          signal?.throwIfAborted();
        }
        const slice = chunk.subarray(from, from + SYNC_SLICE_BYTES);
        reader.write(slice);
        stats.bytes += slice.byteLength;
        const damage = reader.failure;
        if (ready() || (damage !== undefined && reader.out.length > 0)) {
          yielded = true;
          yield reader.take();
          signal?.throwIfAborted();
        }
        if (damage !== undefined) throw parseError(damage);
      }
    }
  } finally {
    // Reached on break, error or exhaustion; return() is a no-op on an exhausted iterator.
    await iterator.return?.();
  }
  signal?.throwIfAborted();
  const truncated = reader.depth > 0;
  reader.end();
  if (reader.out.length > 0) yield reader.take();
  const damage = reader.failure;
  if (damage !== undefined) throw parseError(damage, truncated ? 'truncated or invalid CloudWatch Logs envelope' : damage.message);
}
