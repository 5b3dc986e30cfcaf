/**
 * CloudWatch Logs envelopes through the pipeline: `npm run bench:envelopes [-- --size-mib 256 --runs 3]`.
 *
 * Generates (once, into bench/.data/) a Firehose-like object (`envelopeCorpus`: multi-member gzip,
 * one member per envelope, Lambda text lines, JSON messages, stack traces, long lines, unicode) and
 * runs, each in a fresh child process (its own heap and peak RSS), round-robin so drift hits all alike:
 *   - gunzip: the project's `decompress` stage drained (the floor of anything that reads the object);
 *   - legacyReader / reader: `decompress` + the envelope reader before issue 18 (@streamparser/json,
 *     byte by byte; kept as the test oracle in test/helpers) / `cloudWatchLogsEvents` as it is now;
 *   - legacyPipeline: the old reader under `records`, as analyzeBytes ran it before;
 *   - analyzeBytes: the whole pipeline as the Lambda runs it (sniff, envelopes, records, groups).
 * Figures are medians of `--runs`: MB/s of decompressed envelopes over wall time and over CPU time
 * (user + system of the process: the steadier figure on this shared 2-core machine), peak RSS.
 * The last line is JSON: `cloudWatchMBps` (analyzeBytes, wall), `gunzipMBps`, the ratios (`readerOwnCpuVsLegacy`:
 * the readers' CPU time less gunzip's; `recordsCpuShare`: what `records` and the rest take of analyzeBytes'), `peakRssMiB`.
 */
import { createReadStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cloudWatchLogsEvents } from '../functions/src/parse/cloudWatchLogsEvents.js';
import { DETECT_LINES } from '../functions/src/parse/constants.js';
import { createCloudWatchLogsStats } from '../functions/src/parse/createCloudWatchLogsStats.js';
import { createParseStats } from '../functions/src/parse/createParseStats.js';
import { ErrorGroups } from '../functions/src/parse/ErrorGroups.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { records } from '../functions/src/parse/records.js';
import { TemplateGrouper } from '../functions/src/parse/TemplateGrouper.js';
import { analyzeBytes } from '../functions/src/pipeline/analyzeBytes.js';
import { SYNC_SLICE_BYTES } from '../functions/src/stream/constants.js';
import { createLineStats } from '../functions/src/stream/createLineStats.js';
import { decompress } from '../functions/src/stream/decompress.js';
import type { Line } from '../functions/src/stream/types.js';
import { LegacyEnvelopeReader } from '../test/helpers/legacyEnvelopeReader.js';
import { envelopeCorpus } from './envelopeCorpus.js';
import { runJsonChild } from './runJsonChild.js';

const SELF = fileURLToPath(import.meta.url);
const DATA = path.join(path.dirname(SELF), '.data');
const CASES = ['gunzip', 'legacyReader', 'reader', 'legacyPipeline', 'analyzeBytes'] as const;
type Case = (typeof CASES)[number];
const MAX_LINE_BYTES = 1024 * 1024;

interface Run { case: Case; wallMs: number; cpuMs: number; peakRssMiB: number; lines: number; records: number }

/** The old reader driven as cloudWatchLogsEvents drove it: 256 KiB slices, a turn between, the first batch at 20 lines. */
async function* legacyEvents(bytes: AsyncIterable<Uint8Array>, stats = createLineStats()): AsyncGenerator<Line[]> {
  const reader = new LegacyEnvelopeReader({ maxLineBytes: MAX_LINE_BYTES, longLines: 'truncate', stats }, createCloudWatchLogsStats());
  let yielded = false;
  for await (const chunk of bytes) {
    for (let from = 0; from < chunk.byteLength; from += SYNC_SLICE_BYTES) {
      if (from > 0) await nextTurn();
      reader.write(chunk.subarray(from, from + SYNC_SLICE_BYTES));
      if (reader.failure !== undefined) throw new Error(`legacy reader: ${reader.failure.message} at ${reader.failure.offset}`);
      if (reader.out.length >= (yielded ? 1 : DETECT_LINES)) {
        yielded = true;
        yield reader.take();
      }
    }
  }
  reader.end();
  if (reader.out.length > 0) yield reader.take();
}

async function countLines(batches: AsyncIterable<Line[]>): Promise<number> {
  let lines = 0;
  for await (const batch of batches) lines += batch.length;
  return lines;
}

async function measure(which: Case, file: string): Promise<{ lines: number; records: number }> {
  const source = { bucket: 'bench', key: 'firehose/envelopes.gz' };
  const rules = parseRules({});
  const recordOptions = (): Parameters<typeof records>[1] => ({ source, rules, stats: createParseStats(), groups: new ErrorGroups(), grouper: new TemplateGrouper() });
  const count = async (found: AsyncIterable<unknown[]>): Promise<{ lines: number; records: number }> => {
    let n = 0;
    for await (const batch of found) n += batch.length;
    return { lines: 0, records: n };
  };
  switch (which) {
    case 'gunzip': {
      let bytes = 0;
      for await (const chunk of decompress(createReadStream(file))) bytes += chunk.byteLength;
      return { lines: bytes, records: 0 };
    }
    case 'legacyReader':
      return { lines: await countLines(legacyEvents(decompress(createReadStream(file)))), records: 0 };
    case 'reader':
      return { lines: await countLines(cloudWatchLogsEvents(decompress(createReadStream(file)), { maxLineBytes: MAX_LINE_BYTES })), records: 0 };
    case 'legacyPipeline':
      return count(records(legacyEvents(decompress(createReadStream(file))), recordOptions()));
    case 'analyzeBytes': {
      let found = 0;
      const analysis = await analyzeBytes(createReadStream(file), {
        source, config: { rules, maxLineBytes: MAX_LINE_BYTES, longLines: 'truncate' },
        writeRecords: async (batches) => {
          for await (const batch of batches) found += batch.length;
          return undefined;
        },
      });
      if (analysis.failure !== undefined) throw new Error(`analyzeBytes failed: ${analysis.failure}`);
      return { lines: analysis.lineStats.lines, records: found };
    }
  }
}

async function child(which: Case, file: string): Promise<Run> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { lines, records: found } = await measure(which, file);
  const cpu = process.cpuUsage(c0);
  return {
    case: which, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), lines, records: found,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '256' }, runs: { type: 'string', default: '3' }, child: { type: 'string' }, file: { type: 'string' } } });
  if (values.child !== undefined) {
    console.log(JSON.stringify(await child(values.child as Case, values.file!)));
    return;
  }
  const sizeMiB = Number(values['size-mib']);
  const runs = Number(values.runs);
  const corpus = envelopeCorpus(DATA, sizeMiB);
  const load = loadavg()[0]!.toFixed(1);
  const all: Run[] = [];
  for (let r = 0; r < runs; r++) {
    for (const which of CASES) all.push(await runJsonChild<Run>(SELF, ['--child', which, '--file', corpus.path], { ...process.env }));
  }
  const MB = corpus.bytes / 1e6;
  const rows = CASES.map((which) => {
    const rs = all.filter((r) => r.case === which);
    return {
      case: which, wallMBps: Math.round(median(rs.map((r) => MB / (r.wallMs / 1000)))), cpuMBps: Math.round(median(rs.map((r) => MB / (r.cpuMs / 1000)))),
      cpuMs: Math.round(median(rs.map((r) => r.cpuMs))), peakRssMiB: median(rs.map((r) => r.peakRssMiB)), lines: rs[0]!.lines, records: rs[0]!.records,
    };
  });
  const row = (which: Case): (typeof rows)[number] => rows.find((r) => r.case === which)!;
  if (row('reader').lines !== row('legacyReader').lines || row('analyzeBytes').records !== row('legacyPipeline').records) {
    throw new Error(`the old and new paths disagree: ${JSON.stringify(rows)}`);
  }
  console.log(`CloudWatch Logs envelopes: ${sizeMiB} MiB decompressed (${(corpus.compressedBytes / 1e6).toFixed(1)} MB gzip, ${corpus.envelopes} members, `
    + `${corpus.logEvents.toLocaleString('en-US')} log events), medians of ${runs} runs; ${cpus().length} CPUs, load ${load} at start (shared, noisy machine)`);
  console.table(rows);
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  console.log(JSON.stringify({
    cloudWatchMBps: row('analyzeBytes').wallMBps,
    cloudWatchCpuMBps: row('analyzeBytes').cpuMBps,
    gunzipMBps: row('gunzip').wallMBps,
    readerMBps: row('reader').wallMBps,
    legacyReaderMBps: row('legacyReader').wallMBps,
    legacyPipelineMBps: row('legacyPipeline').wallMBps,
    cloudWatchVsGunzip: ratio(row('analyzeBytes').wallMBps, row('gunzip').wallMBps),
    cloudWatchVsLegacyPipeline: ratio(row('analyzeBytes').wallMBps, row('legacyPipeline').wallMBps),
    readerVsLegacyReader: ratio(row('reader').wallMBps, row('legacyReader').wallMBps),
    readerCpuVsLegacyReaderCpu: ratio(row('reader').cpuMBps, row('legacyReader').cpuMBps),
    // The readers' own CPU time: each less the gunzip stage's (measured alone, same run).
    readerOwnCpuVsLegacy: ratio(row('legacyReader').cpuMs - row('gunzip').cpuMs, row('reader').cpuMs - row('gunzip').cpuMs),
    recordsCpuShare: ratio(row('analyzeBytes').cpuMs - row('reader').cpuMs, row('analyzeBytes').cpuMs),
    peakRssMiB: row('analyzeBytes').peakRssMiB,
    sizeMiB, runs, loadAtStart: Number(load), rows,
  }));
}

await main();
