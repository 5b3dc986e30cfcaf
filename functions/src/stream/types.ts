/** One line of a log object, as produced by the line stage. */
export interface Line {
  /** Decoded UTF-8 text without its terminator (LF, or CR LF). Invalid sequences are U+FFFD. */
  text: string;
  /** 1-based line number in the uncompressed object. */
  number: number;
  /** Uncompressed byte offset where the line starts. */
  offset: number;
  /** Length of the line in bytes before any truncation, terminator excluded. */
  bytes: number;
  /** True when the line was longer than `maxLineBytes` and cut to it. */
  truncated: boolean;
  /**
   * Set when the line came out of an envelope (a CloudWatch Logs log event) rather than straight
   * from the bytes: what the envelope said about it. The line splitter never sets it.
   */
  origin?: LineOrigin;
}

/** What an envelope said about the log event a line belongs to; shared by the lines of one event. */
export interface LineOrigin {
  /** Copied into `fields` of the record the line starts (`logGroup`, `logStream`, `logEventId`…). */
  readonly fields: Readonly<Record<string, string>>;
  /** When the envelope stamped the event (epoch ms): the record's timestamp when the text has none. */
  readonly timestamp: number | null;
}

/** What happens to a line longer than `maxLineBytes`. */
export type LongLinePolicy = 'truncate' | 'skip';

/** Counters the line stage keeps while it runs; read them after (or during) iteration. */
export interface LineStats {
  /** Lines emitted (skipped lines are not counted here). */
  lines: number;
  /** Uncompressed bytes consumed, terminators included. */
  bytes: number;
  /** Lines cut to `maxLineBytes` (policy `truncate`). */
  truncatedLines: number;
  /** Lines dropped for being longer than `maxLineBytes` (policy `skip`). */
  skippedLines: number;
  /** Lines that contained at least one invalid UTF-8 sequence. */
  invalidUtf8Lines: number;
}

/** Options of the line stage (`lineBatches`, `lines`). */
export interface LineOptions {
  /**
   * Longest line kept, in bytes, terminator excluded. Default 1 MiB (`DEFAULT_MAX_LINE_BYTES`).
   * Bounds the stage's memory: the unfinished tail it carries never exceeds this many bytes.
   */
  maxLineBytes?: number;
  /** What to do with a longer line: `truncate` (default) keeps its first `maxLineBytes`; `skip` drops it. */
  longLines?: LongLinePolicy;
  /** Counters to update while iterating; pass one made by `createLineStats()` to read them. */
  stats?: LineStats;
  /**
   * `emit` (default) returns empty lines like any other; `count` only counts them (in
   * `stats.lines`, and in the numbers of the lines after them), so that a run of bare newlines costs
   * a byte scan and no line object: the pipeline's choice, since empty lines never make a record.
   */
  emptyLines?: 'emit' | 'count';
  /**
   * Where the bytes start in the object (a continued analysis): line offsets count from `offset`,
   * line numbers from `line + 1`, and no byte order mark is looked for. Default the object's start.
   */
  start?: { offset: number; line: number };
}

/** Compression detected by `decompress` from the first bytes of the stream. */
export type CompressionFormat = 'gzip' | 'zstd' | 'none';

/** Decompressed bytes, with what was detected and how much went in and out. */
export interface DecompressedStream extends AsyncIterable<Uint8Array> {
  /** Detected format; `undefined` until iteration has read the first bytes. */
  readonly compression: CompressionFormat | undefined;
  /** Compressed bytes read from the source so far. */
  readonly bytesIn: number;
  /** Decompressed bytes yielded so far. */
  readonly bytesOut: number;
  /**
   * Compressed bytes that belonged to no gzip member or zstd frame (trailing garbage, a stray byte
   * between members), skipped up to the next member or frame; 0 for a clean stream.
   */
  readonly skippedBytes: number;
  /** Compressed offset of the first skipped byte; -1 when none was. */
  readonly firstSkippedAt: number;
  /**
   * The last place at or before `decompressedOffset` the stream can be decompressed again from:
   * the offset itself for plain bytes, a gzip member or zstd frame start (of frames whose sizes are
   * declared), else the stream's start. Offsets count from the stream's first byte.
   */
  restartPoint(decompressedOffset: number): RestartPoint;
}

/** A place a compressed stream can be read again from (`DecompressedStream.restartPoint`). */
export interface RestartPoint {
  compressedOffset: number;
  /** Decompressed offset of the first byte decoded from `compressedOffset`. */
  decompressedOffset: number;
  /** The stream's `skippedBytes` and `firstSkippedAt` for the bytes before `compressedOffset`. */
  skippedBytes: number;
  firstSkippedAt: number;
}

/** An S3 object opened for streaming by `s3Source`. */
export interface S3ObjectSource {
  /**
   * The GetObject body. Iterate it once. Breaking out of `for await`, an error, or the signal
   * aborting destroys the body, which ends the HTTP request and frees its socket.
   */
  readonly bytes: AsyncIterable<Uint8Array>;
  readonly bucket: string;
  readonly key: string;
  /** Entity tag as S3 returns it, quotes included. */
  readonly etag: string | undefined;
  readonly versionId: string | undefined;
  /** Body length in bytes from Content-Length. */
  readonly contentLength: number | undefined;
  readonly lastModified: Date | undefined;
  /** Times a cut body was resumed with a Range request so far (see `resumeBody`). */
  readonly resumes: number;
  /** Destroys the body without reading it (for a source that is opened but never iterated). */
  close(): void;
}
