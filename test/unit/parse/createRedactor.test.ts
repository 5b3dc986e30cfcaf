import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../functions/src/parse/createRedactor.js';
import { REDACTION_KINDS } from '../../../functions/src/parse/constants.js';
import type { RedactionKind } from '../../../functions/src/parse/types.js';

function redactAll(text: string, kinds?: RedactionKind[]): { out: string; counts: string[] } {
  const counts: string[] = [];
  const redact = createRedactor({ enabled: true, kinds: kinds ?? [...REDACTION_KINDS] });
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
    // Issue 13's examples.
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', 'wJalrXUtnFEMI', 'secret-value'],
    ['login password = "hunter2"', 'hunter2', 'secret-value'],
    ['SECRET_KEY=django-insecure-abc', 'django-insecure', 'secret-value'],
    ['redis://:pw0rd@cache:6379/0', 'pw0rd', 'url-password'],
    ['postgres://user:pa/ss@host/db', 'pa/ss', 'url-password'],
    ['{"body":"{\\"password\\": \\"x\\"}"}', 'x\\"', 'secret-value'],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----', 'lQOYBF', 'private-key'],
    ['paid with 4111 1111 1111 1111 today', '4111 1111', 'card-number'],
    ['Cookie: theme=dark; PHPSESSID=q3h2k1; x=1', 'q3h2k1', 'session-cookie'],
    ['Set-Cookie: connect.sid=s%3Aabc.def; Path=/; HttpOnly', 's%3Aabc', 'session-cookie'],
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

  it('keeps JSON valid: marks go inside strings, bare secret values become strings', () => {
    for (const line of [
      '{"password":12345,"card":4111111111111111,"n":[5500000000000004]}',
      '{"msg":"{\\"password\\": 12345}"}',
      '{"key":"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\nabc","next":1}',
      '{"url":"redis://:pw@h","auth":"Bearer abcdefghij"}',
    ]) {
      const { out, counts } = redactAll(line);
      expect(counts.length).toBeGreaterThan(0);
      expect(() => JSON.parse(out), out).not.toThrow();
    }
    expect(redactAll('{"password":12345}').out).toBe('{"password":"[REDACTED:secret-value]"}');
  });

  it('does not take ports, timestamps or ids for secrets', () => {
    for (const text of [
      'GET http://host:8080/a@b 200', 'ts=1732600000000 took 4111111111111112 ns', 'version 4.1111111111111111',
      'sessions=3 possessed', 'consider=yes',
    ]) {
      expect(redactAll(text).out).toBe(text);
    }
  });
});
