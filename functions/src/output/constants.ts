import type { TransformOptions } from 'node:stream';
import type { ZlibOptions } from 'node:zlib';

const MiB = 1024 * 1024;

/** Bounds of the error-records writer. */
export const ERROR_PART = {
  /** Records per NDJSON write into the gzip stream. */
  batchMaxItems: 1_000,
  /** Bytes of NDJSON per write into the gzip stream. */
  batchMaxBytes: 1 * MiB,
  /** Multipart part size; S3's minimum is 5 MiB. */
  partSize: 8 * MiB,
  /** Parts uploaded at once: the writer holds at most queueSize × partSize = 16 MiB of compressed bytes. */
  queueSize: 2,
  /**
   * gzip level of the error parts. Level 1 took the handler from 4.3 s to 3.8 s on a 512 MiB object
   * with 17 % of its lines in error records (bench:e2e, one run each); the parts come out larger.
   */
  gzipLevel: 1,
  /**
   * NDJSON queued for the gzip stream before a write waits (4 MiB, its `writableHighWaterMark`).
   * With Node's 16 KiB every 1 MiB write waited for its own compression on the thread pool, so the
   * parser stopped for it: the analysis of a 512 MiB object with 17 % of its lines in records took
   * 1.48–1.57 s from a file, 1.35–1.41 s with this (three alternating runs).
   */
  gzipWriteAheadBytes: 4 * MiB,
} as const;

/**
 * Options of a records writer's gzip stream at `level`, with `ERROR_PART.gzipWriteAheadBytes` queued
 * ahead of it (zlib streams take Transform options; @types/node's ZlibOptions does not list them).
 */
export function recordsGzipOptions(level: number): ZlibOptions & Pick<TransformOptions, 'writableHighWaterMark'> {
  return { level, writableHighWaterMark: ERROR_PART.gzipWriteAheadBytes };
}
