import { describe, expect, it } from 'vitest';
import { createParseStats } from '../../../functions/src/parse/createParseStats.js';
import { createJsonParser } from '../../../functions/src/parse/formats/createJsonParser.js';
import { createAlbParser } from '../../../functions/src/parse/formats/createAlbParser.js';
import { jsonDepthExceeds } from '../../../functions/src/parse/formats/jsonDepthExceeds.js';
import { toIsoTimestamp } from '../../../functions/src/parse/findTimestamp.js';
import { records } from '../../../functions/src/parse/records.js';
import type { ErrorRecord, LogFormat, ParseStats } from '../../../functions/src/parse/types.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { fromChunks } from '../../helpers/streams.js';
import { albLine, jsonLines, textLines } from '../../helpers/hostileInputs.js';

async function run(text: string, format?: LogFormat): Promise<{ out: ErrorRecord[]; stats: ParseStats }> {
  const stats = createParseStats();
  const out: ErrorRecord[] = [];
  for await (const batch of records(lineBatches(fromChunks([text])), { source: { bucket: 'b', key: 'k' }, stats, ...(format ? { format } : {}) })) out.push(...batch);
  return { out, stats };
}

describe('records: lines that do not fit the detected format', () => {
  it('classifies text ERROR lines after JSON INFO lines with the text classifier, and counts them', async () => {
    const { out, stats } = await run(`${jsonLines(30, 'info', 'warm')}${textLines(100, 'ERROR', 'text')}`);
    expect(stats.format).toBe('json');
    expect(out).toHaveLength(100);
    expect(stats.fallbackLines).toBe(100);
    expect(stats.parseFailures).toBe(0);
  });

  it('classifies JSON lines in a text log with the JSON classifier (a level after character 160)', async () => {
    const late = JSON.stringify({ msg: 'late', pad: 'p'.repeat(200), level: 'error' });
    const { out, stats } = await run(`${textLines(30, 'INFO', 'warm')}${late}\n`);
    expect(stats.format).toBe('text');
    expect(out.map((r) => r.message)).toEqual(['late']);
    expect(stats.fallbackLines).toBe(1);
  });

  it('joins a stack trace to a text ERROR line inside a JSON log', async () => {
    const { out } = await run(`${jsonLines(30, 'info', 'warm')}2026-11-26T00:00:00Z ERROR boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)\n`);
    expect(out).toHaveLength(1);
    expect(out[0]!.lastLine).toBe(33);
  });
});

describe('records: one bad line does not sink the object', () => {
  it('keeps a 10 000-deep JSON error line as text, counts it with its reason, and reads on', async () => {
    const deep = `{"level":"error","msg":"deep","d":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const { out, stats } = await run(`${jsonLines(3, 'error', 'a')}${deep}\n${jsonLines(3, 'error', 'b')}`);
    expect(out).toHaveLength(7);
    expect(stats.parseFailures).toBe(1);
    expect(stats.firstParseFailure).toEqual({ line: 4, reason: 'JSON nested deeper than 512 levels' });
  });

  it('reads JSON epochs out of the years 0000-9999 as no time', () => {
    expect(toIsoTimestamp(3e17)).toBeNull();
    expect(toIsoTimestamp(1_700_000_000_000)).toBe('2023-11-14T22:13:20.000Z');
  });

  it('jsonDepthExceeds ignores brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":"[[[[[[[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":[[1]]}', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":"\\"[[[","b":[1]}', 2)).toBe(false);
  });
});

describe('wrong answers', () => {
  it('reads the top-level "level", not a nested one before it', () => {
    const p = createJsonParser();
    expect(p.scan('{"ctx":{"level":"info"},"level":"error","msg":"x"}')).toBe(50);
    expect(p.scan('{"ctx":{"level":"error"},"level":"info","msg":"x"}')).toBe(30);
    expect(p.scan('{"msg":"{\\"level\\":\\"error\\"}","level":"info"}')).toBe(30);
    // The position learnt on one line is checked again on the next.
    expect(p.scan('{"ctx":{"level":"error"},"level":"info","msg":"x"}')).toBe(30);
    expect(p.scan('{"ctx":{"level":"error"}}')).toBe(0);
  });

  it('flags an ALB line with a missing field as not fitting instead of reading shifted fields', () => {
    const p = createAlbParser('alb');
    expect(p.scan(albLine(502, 1))).toBe(50);
    expect(p.misfit).toBe(false);
    for (const drop of [1, 3, 4, 5, 8, 9, 10, 11]) {
      p.scan(albLine(200, 1, drop));
      expect(p.misfit, `field ${drop} dropped`).toBe(true);
    }
  });

  it('counts ALB lines with a missing field as parse failures', async () => {
    const text = `${[albLine(502, 0), albLine(200, 1), albLine(502, 2, 3), albLine(200, 3, 4)].join('\n')}\n`;
    const { out, stats } = await run(text, 'alb');
    expect(out.map((r) => r.firstLine)).toEqual([1]);
    expect(stats).toMatchObject({ parseFailures: 2, fallbackLines: 2, firstParseFailure: { line: 3, reason: 'the line does not fit the alb layout' } });
  });
});
