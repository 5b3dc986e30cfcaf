import { describe, expect, it } from 'vitest';
import { peekBytes } from '../../../functions/src/pipeline/peekBytes.js';
import { collect, trackedSource } from '../../helpers/streams.js';

const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');

describe('peekBytes', () => {
  it('returns at least minBytes as the head and replays everything from the start', async () => {
    const { source, probe } = trackedSource(['abc', 'def', 'ghi', 'jkl']);
    const { head, rest } = await peekBytes(source, 5);
    expect(Buffer.from(head).toString()).toBe('abcdef');
    expect(probe.pulled).toBe(2);
    expect(text(await collect(rest))).toBe('abcdefghijkl');
  });

  it('gives the whole input as the head when it is shorter than minBytes', async () => {
    const { source } = trackedSource(['ab', 'c']);
    const { head, rest } = await peekBytes(source, 64);
    expect(Buffer.from(head).toString()).toBe('abc');
    expect(text(await collect(rest))).toBe('abc');
  });

  it('keeps the bytes before a source failure while peeking: the head has them, rest replays them and then throws', async () => {
    const boom = new Error('unexpected end of file');
    const { source, probe } = trackedSource(['abc', 'def', 'ghi'], { failAt: 2, error: boom });
    const { head, rest } = await peekBytes(source, 64);
    expect(Buffer.from(head).toString()).toBe('abcdef');
    const seen: Uint8Array[] = [];
    await expect((async () => {
      for await (const chunk of rest) seen.push(chunk);
    })()).rejects.toBe(boom);
    expect(text(seen)).toBe('abcdef');
    expect(probe.returned).toBe(false);
  });

  it('returns the source when the consumer of rest breaks early', async () => {
    const { source, probe } = trackedSource(['abc', 'def', 'ghi', 'jkl']);
    const { rest } = await peekBytes(source, 2);
    for await (const chunk of rest) {
      expect(Buffer.from(chunk).toString()).toBe('abc');
      break;
    }
    expect(probe).toMatchObject({ returned: true, exhausted: false });
  });
});
