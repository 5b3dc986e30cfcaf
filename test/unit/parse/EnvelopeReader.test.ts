import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prng } from '../../../dev/local/prng.js';
import { createCloudWatchLogsStats } from '../../../functions/src/parse/createCloudWatchLogsStats.js';
import { EnvelopeReader } from '../../../functions/src/parse/EnvelopeReader.js';
import type { LongLinePolicy } from '../../../functions/src/stream/types.js';
import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { LegacyEnvelopeReader } from '../../helpers/legacyEnvelopeReader.js';
import { randomEnvelopeBytes } from '../../helpers/randomEnvelopes.js';
import { splitAt } from '../../helpers/streams.js';

type Reader = EnvelopeReader | LegacyEnvelopeReader;

/** Feeds `chunks` as cloudWatchLogsEvents does (stop at the first damage, else end), and reports everything observable. */
function drive(make: (options: ConstructorParameters<typeof EnvelopeReader>[0], stats: ReturnType<typeof createCloudWatchLogsStats>) => Reader,
  chunks: readonly Uint8Array[], maxLineBytes: number, longLines: LongLinePolicy): unknown {
  const stats = createLineStats();
  const envelopeStats = createCloudWatchLogsStats();
  const reader = make({ maxLineBytes, longLines, stats }, envelopeStats);
  const batches: unknown[] = [];
  let truncated: boolean | undefined;
  let stoppedAt = -1;
  for (const [i, chunk] of chunks.entries()) {
    reader.write(chunk);
    batches.push(reader.take());
    if (reader.failure !== undefined) {
      stoppedAt = i;
      break;
    }
  }
  if (reader.failure === undefined) {
    truncated = reader.depth > 0;
    reader.end();
    batches.push(reader.take());
  }
  const failure = reader.failure && { message: reader.failure.message, offset: reader.failure.offset };
  return { lines: batches.flat(), envelopeStats, stats, failure, envelope: reader.envelope, truncated, stoppedAt };
}

function compare(bytes: Buffer, cuts: number[], maxLineBytes = 1024 * 1024, longLines: LongLinePolicy = 'truncate'): void {
  const chunks = splitAt(bytes, cuts);
  const now = drive((o, s) => new EnvelopeReader(o, s), chunks, maxLineBytes, longLines);
  const before = drive((o, s) => new LegacyEnvelopeReader(o, s), chunks, maxLineBytes, longLines);
  expect(now, `input (base64) ${bytes.toString('base64').slice(0, 4000)} cuts ${JSON.stringify(cuts)}`).toEqual(before);
}

const seedAndCuts = fc.tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.integer({ min: 1, max: 1 << 20 }), { maxLength: 8 }));

describe('EnvelopeReader', () => {
  it('gives exactly what the byte-by-byte tokenizer gave on random envelopes, however chunked', () => {
    fc.assert(fc.property(seedAndCuts, ([seed, cuts]) => {
      const bytes = randomEnvelopeBytes(prng(seed), false);
      compare(bytes, cuts.map((c) => c % Math.max(1, bytes.length)));
    }), { numRuns: 400 });
  });

  it('fails where and how the old tokenizer failed on damaged input: cut, stray bytes, invalid UTF-8', () => {
    fc.assert(fc.property(seedAndCuts, ([seed, cuts]) => {
      const bytes = randomEnvelopeBytes(prng(seed), true);
      compare(bytes, cuts.map((c) => c % Math.max(1, bytes.length)));
    }), { numRuns: 1500 });
  });

  it('cuts and skips long messages as before', () => {
    fc.assert(fc.property(seedAndCuts, fc.constantFrom<LongLinePolicy>('truncate', 'skip'), ([seed, cuts], policy) => {
      const bytes = randomEnvelopeBytes(prng(seed), false);
      compare(bytes, cuts.map((c) => c % Math.max(1, bytes.length)), 1024, policy);
    }), { numRuns: 150 });
  });

  it('reads a log event split at every byte like a whole one', () => {
    const bytes = Buffer.from(`{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","logEvents":[`
      + `{"id":"1","timestamp":17,"message":"ERROR caf\u00e9 \\"q\\" \\ud83d\\ude00 \\ud800 {x}\\n"},{"id":"2","timestamp":1.5e3,"message":"b\u6771"}]}\n`);
    for (let cut = 1; cut < bytes.length; cut++) compare(bytes, [cut]);
  });

  it('names the damage the old tokenizer named, at the same byte', () => {
    const head = '{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"';
    for (const tail of ['a\u0001b"}]}', 'a\\xb"}]}', 'a\\u12G4"}]}', 'a"b"}]}', 'a"}],}', 'a"} "x"]}', 'a"}]}tru', 'a"}]}5', 'a"}]} ]', 'a']) {
      const bytes = Buffer.from(head + tail);
      compare(bytes, []);
      compare(bytes, [head.length + 1]);
    }
    // A byte order mark: skipped before the first string (offsets after it 3 less), dropped at a string's start.
    for (const text of ['{\ufeff"logEvents":[]}', '\ufeff{"logEvents":[{"message":"a"}]}x', '{"logEvents":[{"message":"\ufeffa"}],"messageType":"\ufeffDATA"}']) {
      compare(Buffer.from(text), []);
    }
    for (const bad of [[0xff], [0xc3, 0x28], [0xc3, 0x22], [0xed, 0xa0, 0x80], [0xf0, 0x9f]]) {
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(' b"}]}{"logEvents":[]}')]);
      compare(bytes, []);
    }
  });
});
