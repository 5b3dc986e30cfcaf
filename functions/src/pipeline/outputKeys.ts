import type { ObjectRef } from '../events/types.js';

/**
 * Where the outputs of one source object go. The same object always maps to the same keys, so a
 * redelivered event overwrites rather than duplicates.
 *
 * @example outputKeys('logsieve/', { bucket: 'b', key: 'app/x.log' }).summary // 'logsieve/summaries/app/x.log.json'
 */
export function outputKeys(outputPrefix: string, ref: ObjectRef): { summary: string; errorsPart: (n: number) => string } {
  return {
    summary: `${outputPrefix}summaries/${ref.key}.json`,
    errorsPart: (n) => `${outputPrefix}errors/${ref.key}/part-${String(n).padStart(5, '0')}.ndjson.gz`,
  };
}
