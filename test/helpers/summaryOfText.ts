import { parseRules } from '../../functions/src/parse/parseRules.js';
import type { AnalyzeOptions } from '../../functions/src/pipeline/analyzeBytes.js';
import { analyzeBytes } from '../../functions/src/pipeline/analyzeBytes.js';
import { buildSummary } from '../../functions/src/pipeline/buildSummary.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { fromChunks } from './streams.js';

const defaultConfig: AnalyzeOptions['config'] = { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' };

/**
 * The summary the real pipeline (`analyzeBytes` + `buildSummary`) gives for a log held in a
 * string, as if it were the object `s3://logs/<key>`; the records are counted, not written.
 */
export async function summaryOfText(text: string, key: string, config: AnalyzeOptions['config'] = defaultConfig): Promise<Summary> {
  const source = { bucket: 'logs', key };
  const analysis = await analyzeBytes(fromChunks([text]), {
    source,
    config,
    writeRecords: async (found) => {
      let records = 0;
      for await (const batch of found) records += batch.length;
      return records > 0 ? { key: `errors/${key}/part-00000.ndjson.gz`, records, bytes: 0, storedBytes: 0 } : undefined;
    },
  });
  return buildSummary({
    ...analysis,
    ref: source,
    identity: { etag: `etag-${key}` },
    size: Buffer.byteLength(text),
    topGroups: config.rules.topGroups,
    keys: { summary: `logsieve/summaries/${key}.json`, report: `logsieve/summaries/${key}.html` },
    startedAt: new Date('2026-11-26T13:00:00.000Z'),
    resumes: 0,
  });
}
