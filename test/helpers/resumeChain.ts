/**
 * Runs the real pipeline (`analyzeBytes`) over an object held in memory twice: in one pass, and as
 * a chain of continued analyses, each stopped (`stopReading`) after a given number of source bytes
 * and resumed from its checkpoint through JSON, as the next invocation would read it from S3.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import { parseRules } from '../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import type { Analysis, AnalyzeOptions } from '../../functions/src/pipeline/analyzeBytes.js';
import { analyzeBytes } from '../../functions/src/pipeline/analyzeBytes.js';
import { buildSummary } from '../../functions/src/pipeline/buildSummary.js';
import type { AnalysisCheckpoint } from '../../functions/src/pipeline/checkpoint.js';
import { parseCheckpoint } from '../../functions/src/pipeline/checkpoint.js';
import type { Summary } from '../../functions/src/pipeline/types.js';

export const resumeConfig: AnalyzeOptions['config'] = { rules: parseRules({}), maxLineBytes: 64 * 1024, longLines: 'truncate' };
const source = { bucket: 'logs', key: 'app/resume.log', etag: '"e1"' };

/** One analysis' records and result. */
export interface Pass {
  records: ErrorRecord[];
  analysis: Analysis;
}

/**
 * `bytes` from `start`, in chunks of `chunk` bytes, each two event-loop turns after the one before,
 * as from a socket slower than the parser: the streamed gunzip, which joins the chunks that are
 * ready within a turn, then takes them one at a time, so that a stop after N source bytes comes
 * where N bytes were read rather than once the whole object was pulled. `onPulled` sees the running
 * total handed out.
 */
async function* chunked(bytes: Uint8Array, start: number, chunk: number, onPulled: (n: number) => void): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (let p = start; p < bytes.length; p += chunk) {
    await nextTurn();
    await nextTurn();
    const piece = bytes.subarray(p, Math.min(p + chunk, bytes.length));
    n += piece.length;
    onPulled(n);
    yield piece;
  }
}

/**
 * One analysis of `bytes` (from the checkpoint's offset when given), stopped after `stopAfter`
 * source bytes, or once `stopAfterRecords` records were written (a deadline in mid-stream: with
 * small objects a stop by bytes mostly fires while the first 64 KiB are sniffed).
 */
export async function analyzeOnce(
  bytes: Uint8Array,
  options: { chunk: number; stopAfter?: number; stopAfterRecords?: number; resume?: AnalysisCheckpoint; config?: AnalyzeOptions['config'] },
): Promise<Pass> {
  const stop = new AbortController();
  const start = options.resume?.position.compressedOffset ?? 0;
  const input = chunked(bytes, start, options.chunk, (n) => {
    if (options.stopAfter !== undefined && n >= options.stopAfter) stop.abort(new Error('test deadline'));
  });
  const records: ErrorRecord[] = [];
  const analysis = await analyzeBytes(input, {
    source,
    config: options.config ?? resumeConfig,
    ...(options.stopAfter !== undefined || options.stopAfterRecords !== undefined ? { stopReading: stop.signal, continuable: true } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    writeRecords: async (found) => {
      const before = records.length;
      for await (const batch of found) {
        records.push(...batch);
        if (options.stopAfterRecords !== undefined && records.length >= options.stopAfterRecords) stop.abort(new Error('test deadline'));
      }
      const n = records.length - before;
      return n > 0 ? { key: `errors/part-${start}.ndjson.gz`, records: n, bytes: 0, storedBytes: 0 } : undefined;
    },
  });
  return { records, analysis };
}

/**
 * The chain: invocation i stopped after `steps[i]` source bytes (or records, with `by: 'records'`;
 * the last step repeats), until an analysis ends.
 */
export async function analyzeChain(
  bytes: Uint8Array,
  steps: readonly number[],
  chunk: number,
  config?: AnalyzeOptions['config'],
  by: 'bytes' | 'records' = 'bytes',
): Promise<{ records: ErrorRecord[]; last: Analysis; invocations: number; checkpointBytes: number[] }> {
  const records: ErrorRecord[] = [];
  const checkpointBytes: number[] = [];
  let resume: AnalysisCheckpoint | undefined;
  for (let i = 0; ; i++) {
    if (i > 10_000) throw new Error('the chain made no progress');
    const step = steps[Math.min(i, steps.length - 1)]!;
    const pass = await analyzeOnce(bytes, { chunk, ...(by === 'bytes' ? { stopAfter: step } : { stopAfterRecords: step }), ...(resume ? { resume } : {}), ...(config ? { config } : {}) });
    records.push(...pass.records);
    const checkpoint = pass.analysis.checkpoint;
    if (checkpoint === undefined) return { records, last: pass.analysis, invocations: i + 1, checkpointBytes };
    if (resume !== undefined && checkpoint.position.decompressedOffset <= resume.position.decompressedOffset) {
      throw new Error(`no progress: ${JSON.stringify(checkpoint.position)} after ${JSON.stringify(resume.position)}`);
    }
    const json = JSON.stringify(checkpoint);
    checkpointBytes.push(Buffer.byteLength(json));
    resume = parseCheckpoint(JSON.parse(json));
  }
}

/** The summary of an analysis of the test object, without `processing` and the part list (which differ by design). */
export function comparableSummary(analysis: Analysis, size: number): Omit<Summary, 'processing' | 'outputs'> {
  const summary = buildSummary({
    ...analysis,
    ref: source,
    identity: { etag: source.etag },
    size,
    topGroups: resumeConfig.rules.topGroups,
    keys: { summary: 'logsieve/summaries/app/resume.log.json', report: 'logsieve/summaries/app/resume.log.html' },
    startedAt: new Date('2026-11-26T13:00:00.000Z'),
    resumes: 0,
  });
  const { processing: _p, outputs: _o, ...rest } = summary;
  return rest;
}
