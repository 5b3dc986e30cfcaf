import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prng } from '../../../dev/local/prng.js';
import { createCloudWatchLogsStats } from '../../../functions/src/parse/createCloudWatchLogsStats.js';
import { EnvelopeReader } from '../../../functions/src/parse/EnvelopeReader.js';
import type { LongLinePolicy } from '../../../functions/src/stream/types.js';
import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { cloudWatchLogsEnvelope } from '../../helpers/cloudWatchLogsEnvelope.js';
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

  describe('an envelope read whole (one JSON.parse)', () => {
    /** Envelopes read whole when `bytes` is written in one slice, after checking the lines and counters are the old tokenizer's. */
    function readWhole(bytes: Buffer): number {
      compare(bytes, []);
      const reader = new EnvelopeReader({ maxLineBytes: 1024 * 1024, longLines: 'truncate', stats: createLineStats() }, createCloudWatchLogsStats());
      reader.write(bytes);
      reader.end();
      return reader.wholeTopValues;
    }
    // The first value is read by tokens (a byte order mark may still come before its first string): this one closes that window.
    const FIRST = '{"logEvents":[]}\n';
    const envelope = (events: unknown[], extra: Record<string, unknown> = {}): string =>
      JSON.stringify({ ...cloudWatchLogsEnvelope(events as string[]), ...extra });

    it('reads CloudWatch Logs envelopes whole, with each line at its event\'s offset', () => {
      const events = ['ERROR one\n', 'INFO two', { message: 'x\ty "q" \u00e9 \u6771\nat a (b.js:1:2)', id: '7' }, { message: 5 }, 'WARN \\ back'];
      const bytes = Buffer.from(FIRST + envelope(events) + envelope(['b'], { owner: 'o' }) + '\n' + envelope(['c'], { messageType: 'CONTROL_MESSAGE' }));
      expect(readWhole(bytes)).toBe(3);
      const reader = new EnvelopeReader({ maxLineBytes: 1024 * 1024, longLines: 'truncate', stats: createLineStats() }, createCloudWatchLogsStats());
      reader.write(bytes);
      const lines = reader.take();
      expect(lines.map((l) => l.text)).toEqual(['ERROR one', 'INFO two', 'x\ty "q" \u00e9 \u6771', 'at a (b.js:1:2)', 'WARN \\ back', 'b']);
      // Each line's offset is where its event's `{` stands in the bytes.
      for (const line of lines) expect(bytes[line.offset]).toBe(0x7b);
      expect(new Set(lines.map((l) => l.offset)).size).toBe(5);
    });

    it('reads envelopes with bytes that are not ASCII whole: in events, in an event\'s key, in the metadata, escaped', () => {
      const bytes = Buffer.from(FIRST + envelope(['ASCII only', 'Łódź ERROR Привет', 'and 😀 \u2028 back', 'plain again'])
        + '{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"a","ключ":"знач"},{"message":"b"},"é",{"message":"c\\u00e9"}]}'
        + envelope(['d'], { owner: 'ö', logGroup: '/aws/lambda/café' }) + envelope(['e \\u00e9 é'], { subscriptionFilters: ['ü'] }));
      expect(readWhole(bytes)).toBe(4);
      const reader = new EnvelopeReader({ maxLineBytes: 1024 * 1024, longLines: 'truncate', stats: createLineStats() }, createCloudWatchLogsStats());
      reader.write(bytes);
      const lines = reader.take();
      expect(lines.map((l) => l.text)).toEqual(['ASCII only', 'Łódź ERROR Привет', 'and 😀 \u2028 back', 'plain again', 'a', 'b', 'c\u00e9', 'd', 'e \\u00e9 é']);
      expect(lines[7]!.origin?.fields).toMatchObject({ owner: 'ö', logGroup: '/aws/lambda/café' });
    });

    it('leaves to the token path, with the same result, what JSON.parse would read otherwise', () => {
      const deep = '['.repeat(600) + ']'.repeat(600);
      const cases = [
        // A key written twice: the token path emits the events of both arrays, JSON.parse keeps the last.
        '{"messageType":"DATA_MESSAGE","logEvents":[{"message":"a"}],"logEvents":[{"message":"b"}]}',
        '{"logGroup":"/a","logEvents":[{"message":"a"}],"logGroup":"/b"}',
        // `logEvents` as an object: the token path selects its members, `logGroup` among them.
        '{"messageType":"DATA_MESSAGE","owner":"1","logStream":"s","logEvents":{"logGroup":"/x","a":{"message":"m"}}}',
        // An escaped key, a key that is not ASCII.
        '{"log\\u0045vents":[{"message":"a"}],"messageType":"DATA_MESSAGE"}',
        '{"logEvents":[{"message":"a"}],"caf\u00e9":1}',
        // A byte order mark inside, a value nested past the depth cap, invalid UTF-8 in a message.
        '{"logEvents":[{"message":"\ufeffa"}]}',
        `{"logEvents":[{"message":"a","deep":${deep}}]}`,
        // Damage JSON.parse refuses: the token path names it.
        '{"logEvents":[{"message":"a"}],}',
      ];
      for (const text of cases) expect(readWhole(Buffer.from(FIRST + text)), text.slice(0, 80)).toBe(0);
      expect(readWhole(Buffer.concat([Buffer.from(FIRST + '{"logEvents":[{"message":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]))).toBe(0);
    });

    it('reads an envelope longer than 1 MiB token by token, with the same result', () => {
      const long = envelope(Array.from({ length: 40 }, (_, i) => `INFO ${i} ${'x'.repeat(30_000)}`));
      expect(long.length).toBeGreaterThan(1024 * 1024);
      expect(readWhole(Buffer.from(FIRST + long + envelope(['after'])))).toBe(1);
    });

    it('reads an envelope the slice cuts token by token, and the next one whole', () => {
      const bytes = Buffer.from(FIRST + envelope(['ERROR a', 'b']) + envelope(['c']));
      const cut = FIRST.length + 30;
      compare(bytes, [cut]);
      const reader = new EnvelopeReader({ maxLineBytes: 1024 * 1024, longLines: 'truncate', stats: createLineStats() }, createCloudWatchLogsStats());
      for (const chunk of splitAt(bytes, [cut])) reader.write(chunk);
      reader.end();
      expect(reader.wholeTopValues).toBe(1);
      expect(reader.envelope).toBe(3);
    });
  });
});
