/** Tunables and magic numbers of the streaming core. */

/** Default cap on one line's length in bytes (1 MiB); longer lines follow the `longLines` policy. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * zlib output chunk size (1 MiB). With zlib's default 16 KiB chunks gunzip is ~2.9× slower on the
 * reference machine, because every chunk is a round trip to the thread pool.
 */
export const ZLIB_CHUNK_SIZE = 1024 * 1024;

/**
 * Largest compressed slice handed to the pure-JS zstd decoder at once. fzstd decodes synchronously
 * on the main thread, so smaller slices keep each event-loop turn short.
 */
export const FZSTD_SLICE_BYTES = 64 * 1024;

/** Smallest slice the pure-JS zstd decoder is handed while its output runs above the budget (16 bytes: four RLE blocks, 512 KiB). */
export const FZSTD_MIN_SLICE_BYTES = 16;

/** Decoded bytes the pure-JS zstd decoder should produce per push (1 MiB); the slice adapts to it. */
export const FZSTD_OUTPUT_BUDGET_BYTES = 1024 * 1024;

/**
 * Largest zstd window a frame may declare (128 MiB, window log 27): the default limit of zstd's own
 * decoder (`zstd -d` asks for `--long=N` or `--memory` beyond it). A decoder holds the whole window,
 * so a frame declaring more (`zstd --long=30` from a pipe declares 1 GiB) is refused with a
 * `ZstdWindowError` before anything is allocated.
 */
export const ZSTD_MAX_WINDOW_BYTES = 128 * 1024 * 1024;

/**
 * The same bound for the pure-JS fallback (`fzstd`, Node < 22.15 only; Lambda's Node 22 uses zlib's
 * zstd): 32 MiB. fzstd allocates the declared window whole and moves all of it once per 128 KiB
 * block, so a 128 MiB window measured 3 MB/s and 364 MiB of RSS; 32 MiB keeps it near 20 MB/s.
 */
export const FZSTD_MAX_WINDOW_BYTES = 32 * 1024 * 1024;

/** How long (ms) the pure-JS zstd path may run before it yields a macrotask to the event loop. */
export const FZSTD_YIELD_AFTER_MS = 4;

/**
 * The line splitter decodes a chunk in pieces of about this many bytes (32 KiB). A piece's string
 * then lives in V8's young generation; a 1 MiB string is a large object whose fresh pages fault in
 * on every chunk, which measured ~1.5× slower for the whole stage.
 */
export const DECODE_REGION_BYTES = 32 * 1024;

/**
 * Most input the line stage splits in one event-loop turn (256 KiB, ~2,000 lines): a larger chunk
 * (1 MiB from gunzip or a file read) is split in slices with a macrotask yield between them, so
 * timers and socket callbacks (e.g. uploads running alongside) wait at most one slice.
 */
export const SYNC_SLICE_BYTES = 256 * 1024;

/**
 * Smallest chunk the pipeline reads from its source (256 KiB, one `SYNC_SLICE_BYTES` slice): S3's
 * socket reads of 16–64 KiB are joined (`coalesce`) before inflate and the line stage.
 */
export const COALESCE_BYTES = 256 * 1024;

/** Bytes per isAscii call when the splitter looks for the next line holding non-ASCII bytes. */
export const ASCII_BLOCK_BYTES = 1024;

/** Compression formats `decompress` recognises, by their magic bytes. */
export const Compression = {
  gzip: 'gzip',
  zstd: 'zstd',
  none: 'none',
} as const;

/** Leading bytes that identify a compressed stream. */
export const Magic = {
  /** RFC 1952 ID1 ID2. */
  gzip: [0x1f, 0x8b],
  /** RFC 8878 frame magic 0xFD2FB528, little-endian. */
  zstd: [0x28, 0xb5, 0x2f, 0xfd],
} as const;

/** UTF-8 byte order mark, stripped from the start of an object. */
export const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** Byte values the line splitter looks for. */
export const Byte = {
  LF: 0x0a,
  CR: 0x0d,
} as const;

/**
 * Timeouts of every S3 client this project builds (function, CLI): 5 s to connect, 30 s of socket
 * silence. Without them a request that a server accepts and never answers waits forever; with them
 * the SDK retries the call, and a body that stalls mid-read is resumed (resumeBody.ts).
 */
export const S3_REQUEST_TIMEOUTS = { connectionTimeout: 5_000, socketTimeout: 30_000 } as const;
