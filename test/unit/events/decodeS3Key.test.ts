import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3Key } from '../../../functions/src/events/decodeS3Key.js';

/** How S3 writes a key into a notification: form encoding, a space becomes '+'. */
const encodeAsS3 = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

describe('decodeS3Key', () => {
  it.each([
    ['red+flower.log', 'red flower.log'],
    ['a%2Bb.log', 'a+b.log'],
    ['caf%C3%A9%20%E2%9C%93.log', 'café ✓.log'],
    ['100%25.log', '100%.log'],
    ['logs/2026/11/26/app.log.gz', 'logs/2026/11/26/app.log.gz'],
  ])('decodes %s as %s', (encoded, key) => {
    expect(decodeS3Key(encoded)).toBe(key);
  });

  it('keeps a stray % that is not an escape', () => {
    expect(decodeS3Key('50%off.log')).toBe('50%off.log');
  });

  it('inverts S3 notification encoding for any key', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => decodeS3Key(encodeAsS3(key)) === key));
  });
});
