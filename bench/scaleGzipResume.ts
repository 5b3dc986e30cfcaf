/**
 * `gzipResumeCost`, a section of `npm run bench:scale`: what continuing a single-member gzip object
 * costs. A continued read of such an object cannot seek: it inflates from byte 0 and discards the
 * output up to the checkpoint (`discardBytes`, nothing parsed). Measured in one process, no S3: the
 * full pipeline (`analyzeBytes`, continuable, stopped at 75 % of the compressed bytes) gives the
 * checkpoint's offset and its wall time up to there; then inflate-and-discard to that offset alone
 * is timed. `gzipResumeCost` = discard time / pipeline time to the same offset, median of 3 rounds
 * (each round runs both, back to back, so the machine's drift hits both alike); the MB/s of each
 * are decompressed megabytes (10^6 bytes) per second. `checkpointBytes` is the checkpoint's JSON size.
 */
import { gzipSync } from 'node:zlib';

import { parseRules } from '../functions/src/parse/parseRules.js';
import { analyzeBytes } from '../functions/src/pipeline/analyzeBytes.js';
import { decompress } from '../functions/src/stream/decompress.js';
import { discardBytes } from '../functions/src/stream/discardBytes.js';

const CHUNK = 64 * 1024;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** An app log of about `mib` MiB: INFO lines, one line in 40 an ERROR, one in 400 with a stack trace. */
function appLog(mib: number): Buffer {
  const lines: string[] = [];
  let bytes = 0;
  const start = Date.UTC(2026, 10, 26, 12);
  for (let i = 0; bytes < mib * 1024 * 1024; i++) {
    const ts = new Date(start + i * 7).toISOString();
    let line = i % 40 === 3
      ? `${ts} ERROR [orders] payment ${i} failed: upstream returned 502 after ${i % 900} ms`
      : `${ts} INFO  [http] GET /api/v1/orders/${i} 200 ${i % 250} ms user=u${i % 977}`;
    if (i % 400 === 5) line += `\n    at com.example.Orders.pay(Orders.java:${i % 300})\n    at com.example.Http.handle(Http.java:88)`;
    lines.push(line);
    bytes += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function* chunks(bytes: Uint8Array, onPulled?: (n: number) => void): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += CHUNK) {
    const piece = bytes.subarray(p, Math.min(p + CHUNK, bytes.length));
    onPulled?.(p + piece.length);
    yield piece;
  }
}

/** The pipeline from byte 0, stopped (continuable) once `stopAt` compressed bytes were handed over: wall ms and the checkpoint's offset. */
async function pipelineTo(gz: Uint8Array, stopAt: number): Promise<{ ms: number; offset: number; checkpointBytes: number }> {
  const stop = new AbortController();
  const started = performance.now();
  const analysis = await analyzeBytes(chunks(gz, (n) => n >= stopAt && stop.abort(new Error('bench deadline'))), {
    source: { bucket: 'bench', key: 'app.log.gz' },
    config: { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' },
    stopReading: stop.signal,
    continuable: true,
    writeRecords: async (found) => {
      for await (const _ of found);
      return undefined;
    },
  });
  const ms = performance.now() - started;
  if (analysis.checkpoint === undefined) throw new Error(`the pipeline did not stop at a checkpoint: ${analysis.failure ?? 'it read to the end'}`);
  return { ms, offset: analysis.checkpoint.position.decompressedOffset, checkpointBytes: Buffer.byteLength(JSON.stringify(analysis.checkpoint)) };
}

/** What a continued read does before its first line: inflate from byte 0 and discard `offset` bytes. */
async function discardTo(gz: Uint8Array, offset: number): Promise<number> {
  const started = performance.now();
  // The continued read stops inflating right after the offset (its lines follow): so does this.
  for await (const _ of discardBytes(decompress(chunks(gz)), offset, 'gzip')) break;
  return performance.now() - started;
}

/**
 * Runs the section and returns its JSON fields; `say` gets the progress and table lines.
 *
 * @example Object.assign(json, await gzipResumeCost((m) => process.stderr.write(`${m}\n`)));
 */
export async function gzipResumeCost(say: (message: string) => void, options: { mib?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const mib = options.mib ?? 96;
  const runs = options.runs ?? 3;
  say(`gzipResumeCost: generating and compressing a ${mib} MiB app log (single gzip member)`);
  const gz = gzipSync(appLog(mib));
  const stopAt = Math.floor(gz.length * 0.75);
  const ratios: number[] = [];
  const pipeMBps: number[] = [];
  const inflateMBps: number[] = [];
  let offset = 0;
  let checkpointBytes = 0;
  for (let r = 0; r < runs; r++) {
    const pipe = await pipelineTo(gz, stopAt);
    offset = pipe.offset;
    checkpointBytes = pipe.checkpointBytes;
    const discardMs = await discardTo(gz, offset);
    ratios.push(discardMs / pipe.ms);
    pipeMBps.push(offset / 1e6 / (pipe.ms / 1000));
    inflateMBps.push(offset / 1e6 / (discardMs / 1000));
    say(`round ${r + 1}/${runs}: pipeline to ${(offset / 1e6).toFixed(1)} MB ${pipe.ms.toFixed(0)} ms, inflate-and-discard ${discardMs.toFixed(0)} ms, ratio ${(discardMs / pipe.ms).toFixed(3)}`);
  }
  const cost = median(ratios);
  say(`gzipResumeCost (inflate-and-discard / pipeline to the same offset), median of ${runs}: ${cost.toFixed(3)}; inflate ${median(inflateMBps).toFixed(0)} MB/s, pipeline ${median(pipeMBps).toFixed(0)} MB/s`);
  return {
    gzipResumeCost: Number(cost.toFixed(3)),
    gzipResumeInflateMBps: Number(median(inflateMBps).toFixed(1)),
    gzipResumePipelineMBps: Number(median(pipeMBps).toFixed(1)),
    gzipResumeOffsetMB: Number((offset / 1e6).toFixed(1)),
    checkpointBytes,
  };
}
