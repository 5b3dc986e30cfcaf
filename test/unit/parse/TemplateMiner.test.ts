import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseOptionsError } from '../../../functions/src/parse/errors.js';
import { hash64 } from '../../../functions/src/parse/groupKey.js';
import { maskVariables } from '../../../functions/src/parse/maskVariables.js';
import { TemplateMiner } from '../../../functions/src/parse/TemplateMiner.js';

const templates = (miner: TemplateMiner, messages: string[], cls = 'level'): string[] =>
  messages.map((m) => miner.match(maskVariables(m), cls)!).map((c) => c.template);

describe('TemplateMiner', () => {
  it('makes the positions that vary inside a cluster placeholders', () => {
    const miner = new TemplateMiner();
    const out = templates(miner, ['Failed password for root from 10.0.0.1 port 22 ssh2', 'Failed password for guest from 10.0.0.2 port 23 ssh2']);
    expect(out[1]).toBe('Failed password for <*> from <*> port <*>');
    const c = miner.match('Failed password for admin from <*> port <*>', 'level')!;
    expect(c.template).toBe(out[1]);
    expect(c.count).toBe(3);
    expect(c.groupId).toBe(hash64(`level\u0000${out[1]}`));
    expect(miner.size).toBe(1);
  });

  it('keeps constant words next to variables apart when they lead the message', () => {
    const miner = new TemplateMiner();
    const out = templates(miner, [
      '[instance: 3f1c0d8e-1111-4a2b-9c3d-0123456789ab] Instance spawned successfully.',
      '[instance: 9f1c0d8e-1111-4a2b-9c3d-0123456789ab] Instance destroyed successfully.',
      '[instance: 1f1c0d8e-1111-4a2b-9c3d-0123456789ab] Instance spawned successfully.',
    ]);
    expect(new Set(out).size).toBe(2);
    expect(miner.size).toBe(2);
  });

  it('starts a new cluster below the similarity threshold, and separates classes and lengths', () => {
    const miner = new TemplateMiner();
    miner.match('connection reset by peer', 'level');
    miner.match('connection refused by firewall rule', 'level');
    miner.match('connection reset by peer', 'exception');
    miner.match('connection timed out waiting for peer', 'level');
    expect(miner.size).toBe(4);
  });

  it('is deterministic: the same messages in the same order give the same templates', () => {
    const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'start', 'stop', 'user', 'host', '<*>');
    const message = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(fc.property(fc.array(message, { maxLength: 60 }), (messages) => {
      const a = new TemplateMiner({ maxClusters: 10 });
      const b = new TemplateMiner({ maxClusters: 10 });
      expect(messages.map((m) => a.match(m, 'level')?.index ?? -1)).toEqual(messages.map((m) => b.match(m, 'level')?.index ?? -1));
      a.mergeFamilies();
      b.mergeFamilies();
      expect(messages.map((m) => a.match(m, 'level')?.template)).toEqual(messages.map((m) => b.match(m, 'level')?.template));
    }), { numRuns: 300 });
  });

  it('holds at most maxClusters and counts the messages that fit none', () => {
    const miner = new TemplateMiner({ maxClusters: 2 });
    expect(miner.match('one two three', 'level')).not.toBeNull();
    expect(miner.match('four five', 'level')).not.toBeNull();
    expect(miner.match('six', 'level')).toBeNull();
    expect(miner.match('one two four', 'level')!.template).toBe('one two <*>');
    expect(miner.unclustered).toBe(1);
    expect(miner.size).toBe(2);
  });

  it('merges five or more clusters that differ in one leading word, not two to four, never HTTP methods', () => {
    const miner = new TemplateMiner();
    const caches = ['green', 'bravo', 'static', 'data', 'west'].map((w) => miner.match(`Cache ${w} evicted <*> entries`, 'level')!);
    const vms = ['Started', 'Stopped', 'Paused'].map((w) => miner.match(`<*> VM ${w} (Lifecycle Event)`, 'level')!);
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'].map((w) => miner.match(`<*> ${w} <*> status: <*>`, 'level')!);
    expect(new Set(caches.map((c) => c.template)).size).toBe(5);
    miner.mergeFamilies();
    expect(new Set(caches.map((c) => c.template))).toEqual(new Set(['Cache <*> evicted <*> entries']));
    expect(new Set(vms.map((c) => c.template)).size).toBe(3);
    expect(new Set(methods.map((c) => c.template)).size).toBe(6);
  });

  it('validates its options', () => {
    expect(() => new TemplateMiner({ depth: 2 })).toThrow(ParseOptionsError);
    expect(() => new TemplateMiner({ similarity: 1.5 })).toThrow(/similarity/);
    expect(() => new TemplateMiner({ maxClusters: 0 })).toThrow(/maxClusters/);
  });
});
