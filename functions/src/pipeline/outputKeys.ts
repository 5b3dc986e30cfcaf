import { createHash } from 'node:crypto';
import type { ObjectRef } from '../events/types.js';
import { capUtf8 } from '../parse/createRecordBuilder.js';

/** Longest key S3 takes, in UTF-8 bytes. */
export const S3_KEY_MAX_BYTES = 1024;
/** The most an output adds around the source key besides the prefix: `errors/` … `/part-00000.ndjson.gz`, one digit to spare. */
const LONGEST_WRAP = 'errors/'.length + '/part-000000.ndjson.gz'.length;

/** Keys of everything written for one source object. */
export interface OutputKeys {
  /** The JSON summary, written last. */
  summary: string;
  /** The human view of the summary. */
  report: string;
  /** The n-th gzip NDJSON part of error records (0-based). */
  errorsPart: (n: number) => string;
  /** Where an object continued past its deadline keeps its checkpoint (see `Checkpoint`); deleted after the final summary. */
  checkpoint: string;
}

/**
 * Where the outputs of one source object go. The same object always maps to the same keys, so a
 * redelivered event overwrites rather than duplicates. A source key too long for the output keys
 * to stay within S3's 1 024 bytes is cut (whole characters) and ends with `~` and 16 hex digits of
 * its SHA-256, so that every output key is valid and two long keys that share a beginning do not
 * collide; the summary's `source.key` keeps the whole key.
 *
 * @example outputKeys('logsieve/', { bucket: 'b', key: 'app/x.log' }).summary // 'logsieve/summaries/app/x.log.json'
 */
export function outputKeys(outputPrefix: string, ref: ObjectRef): OutputKeys {
  const key = boundedKey(ref.key, S3_KEY_MAX_BYTES - Buffer.byteLength(outputPrefix) - LONGEST_WRAP);
  return {
    summary: `${outputPrefix}summaries/${key}.json`,
    report: `${outputPrefix}summaries/${key}.html`,
    errorsPart: (n) => `${outputPrefix}errors/${key}/part-${String(n).padStart(5, '0')}.ndjson.gz`,
    checkpoint: `${outputPrefix}checkpoints/${key}.json`,
  };
}

/** `key` when it has at most `room` UTF-8 bytes, else {@link cutWithHash} to `room` bytes (at least 64). */
function boundedKey(key: string, room: number): string {
  return Buffer.byteLength(key) <= room ? key : cutWithHash(key, Math.max(64, room));
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes, whole characters, ending in `~` and 16 hex digits
 * of the SHA-256 of the whole text, so that two long names that share a beginning do not collide.
 * Used for output keys and for the CLI's local output names.
 *
 * @example cutWithHash('x'.repeat(300), 100) // 'xxx…x~3f2a…' (100 bytes)
 */
export function cutWithHash(text: string, maxBytes: number): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `${capUtf8(text, maxBytes - hash.length - 1)}~${hash}`;
}
