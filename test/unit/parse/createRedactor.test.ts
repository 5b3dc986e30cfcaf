import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../functions/src/parse/createRedactor.js';
import type { RedactionKind } from '../../../functions/src/parse/types.js';

function redactAll(text: string, kinds?: RedactionKind[]): { out: string; counts: string[] } {
  const counts: string[] = [];
  const redact = createRedactor({ enabled: true, kinds: kinds ?? ['aws-access-key-id', 'secret-value', 'bearer-token', 'authorization-header', 'url-password', 'private-key'] });
  return { out: redact(text, (k) => counts.push(k)), counts };
}

describe('createRedactor', () => {
  it.each([
    ['key AKIAIOSFODNN7EXAMPL3 used', 'AKIAIOSFODNN7EXAMPL3', 'aws-access-key-id'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI', 'secret-value'],
    ['{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG"}', 'wJalrXUtnFEMI', 'secret-value'],
    ['"AWS_SESSION_TOKEN": "AgoJb3JpZ2luX2VjELj"', 'AgoJb3JpZ2luX2VjELj', 'secret-value'],
    ['password=hunter2&user=bob', 'hunter2', 'secret-value'],
    ['Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz', 'authorization-header'],
    ['sent token Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc to api', 'eyJhbGciOiJIUzI1NiJ9', 'bearer-token'],
    ['connect postgres://app:s3cr3t@db:5432/x', 's3cr3t', 'url-password'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY----- after', 'MIIEow', 'private-key'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEcut', 'MIIEcut', 'private-key'],
  ])('redacts %j', (text, secret, kind) => {
    const { out, counts } = redactAll(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(`[REDACTED:${kind}]`);
    expect(counts).toContain(kind);
  });

  it('leaves clean text alone and does not count', () => {
    const text = 'GET /api/tokens/count 200 tokenCount=5 password= user=bob';
    const { out, counts } = redactAll(text);
    expect(out).toBe(text);
    expect(counts).toEqual([]);
  });

  it('keeps the text after a private key block', () => {
    expect(redactAll('a -----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY----- b').out).toBe('a [REDACTED:private-key] b');
  });

  it('only redacts the enabled kinds, and nothing when disabled', () => {
    const text = 'AKIAIOSFODNN7EXAMPL3 password=x';
    expect(redactAll(text, ['secret-value']).out).toBe('AKIAIOSFODNN7EXAMPL3 password=[REDACTED:secret-value]');
    expect(createRedactor({ enabled: false, kinds: [] })(text, () => {})).toBe(text);
  });

  it('handles a 64 KiB blob next to a hint word without backtracking blow-up', () => {
    const blob = 'A'.repeat(65_536);
    const { out, counts } = redactAll(`token ${blob}x https://${blob}`);
    expect(out).toHaveLength(2 * 65_536 + 16);
    expect(counts).toEqual([]);
  });

  it('is idempotent on its own output', () => {
    const { out } = redactAll('Authorization: Bearer abcdefghijkl password="p w" https://a:b@h/');
    expect(redactAll(out).out).toBe(out);
    expect(redactAll(out).counts).toEqual([]);
  });
});
