/** The streaming core: S3 bytes → decompressed bytes → lines → batches. */
export { s3Source } from './s3Source.js';
export type { S3SourceOptions } from './s3Source.js';
export { decompress, nodeZstdDecompress } from './decompress.js';
export type { DecompressOptions } from './decompress.js';
export { lineBatches } from './lineBatches.js';
export { lines } from './lines.js';
export { createLineSplitter } from './createLineSplitter.js';
export type { LineSplitter } from './createLineSplitter.js';
export { createLineStats } from './createLineStats.js';
export { batch } from './batch.js';
export type { BatchOptions } from './batch.js';
export { mapConcurrent } from './mapConcurrent.js';
export { stopReading } from './stopReading.js';
export type { MapConcurrentOptions } from './mapConcurrent.js';
export { StreamError, StreamOptionError, S3ReadError, DecompressError, ReadStoppedError, withLinesEmitted } from './errors.js';
export type { S3ReadErrorCode } from './errors.js';
export * from './constants.js';
export type * from './types.js';
