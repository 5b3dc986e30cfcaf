import type { ObjectRef } from '../events/types.js';

/** Keys of everything written for one source object. */
export interface OutputKeys {
  /** The JSON summary, written last. */
  summary: string;
  /** The human view of the summary. */
  report: string;
  /** The n-th gzip NDJSON part of error records (0-based). */
  errorsPart: (n: number) => string;
}

/**
 * Where the outputs of one source object go. The same object always maps to the same keys, so a
 * redelivered event overwrites rather than duplicates.
 *
 * @example outputKeys('logsieve/', { bucket: 'b', key: 'app/x.log' }).summary // 'logsieve/summaries/app/x.log.json'
 */
export function outputKeys(outputPrefix: string, ref: ObjectRef): OutputKeys {
  return {
    summary: `${outputPrefix}summaries/${ref.key}.json`,
    report: `${outputPrefix}summaries/${ref.key}.html`,
    errorsPart: (n) => `${outputPrefix}errors/${ref.key}/part-${String(n).padStart(5, '0')}.ndjson.gz`,
  };
}
