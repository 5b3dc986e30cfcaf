import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import { processToDirectory } from '../../../cli/processToDirectory.js';

/** A random secret: letters and digits, with a fixed head so that it cannot occur in the log by chance. */
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((s) => `Qz${s}`);
/** A card number that passes the Luhn check (Visa-like, 16 digits). */
const card = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }).map((body) => {
  const digits = [4, ...body];
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let d = digits[14 - i]!;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
});

type Family = 'text' | 'json' | 'logfmt';
/** A line that carries secrets, and the secrets it carries (each must appear in no output). */
interface Plant {
  line: string;
  secrets: string[];
}

const PEM = (s: string, nl: string): string => `-----BEGIN RSA PRIVATE KEY-----${nl}MIIE${s}${nl}${s}AB==${nl}-----END RSA PRIVATE KEY-----`;
const PGP = (s: string, nl: string): string => `-----BEGIN PGP PRIVATE KEY BLOCK-----${nl}${nl}lQOY${s}${nl}-----END PGP PRIVATE KEY BLOCK-----`;
const spaced = (c: string): string => c.replace(/(\d{4})(?=\d)/g, '$1 ');

/** Where a secret may be written, per family: text, JSON (escaped JSON inside a string too), logfmt, URLs. */
const PLANTS: Record<Family, Array<(a: string, b: string, c: string) => Plant>> = {
  text: [
    (a) => ({ line: `ERROR login failed password=${a} user=bob`, secrets: [a] }),
    (a) => ({ line: `ERROR login failed password = "${a} x"`, secrets: [a] }),
    (a) => ({ line: `ERROR aws_secret_access_key = ${a}`, secrets: [a] }),
    (a) => ({ line: `ERROR bad config SECRET_KEY=${a}`, secrets: [a] }),
    (a) => ({ line: `ERROR cannot connect redis://:${a}@cache:6379/0`, secrets: [a] }),
    (a, b) => ({ line: `ERROR cannot connect postgres://app:${a}/${b}@db.internal:5432/orders`, secrets: [a, b] }),
    (a, b) => ({ line: `ERROR cannot connect mysql://app:${a}@${b}@db/orders`, secrets: [a, b] }),
    (a) => ({ line: `ERROR upstream 401 Authorization: Bearer ${a}`, secrets: [a] }),
    (a) => ({ line: `ERROR request failed Cookie: theme=dark; JSESSIONID=${a}; lang=en`, secrets: [a] }),
    (_a, _b, c) => ({ line: `ERROR charge failed for card ${spaced(c)} amount=12`, secrets: [c, spaced(c)] }),
    (_a, _b, c) => ({ line: `ERROR charge failed card=${c}`, secrets: [c] }),
    (a) => ({ line: `ERROR loaded key ${PEM(a, ' ')}`, secrets: [a] }),
    (a) => ({ line: `ERROR request body={\\"password\\": \\"${a}\\"} rejected`, secrets: [a] }),
  ],
  json: [
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'login failed', password: a }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'bad request', body: JSON.stringify({ user: 'bob', password: a }) }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: JSON.stringify({ password: a }) }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'redis down', url: `redis://:${a}@cache:6379` }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'upstream 401', headers: { authorization: `Bearer ${a}` } }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'key rejected', key: PEM(a, '\n') }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'key rejected', key: PGP(a, '\n') }), secrets: [a] }),
    (_a, _b, c) => ({ line: `{"level":"error","msg":"charge failed","card":${c}}`, secrets: [c] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: `config SECRET_KEY=${a}`, AWS_SESSION_TOKEN: a }), secrets: [a] }),
    (a) => ({ line: JSON.stringify({ level: 'error', msg: 'cookie', cookie: `sid=1; connect.sid=${a}` }), secrets: [a] }),
  ],
  logfmt: [
    (a) => ({ line: `level=error msg="login failed" password=${a}`, secrets: [a] }),
    (a) => ({ line: `level=error msg="auth" api_key=${a} user=bob`, secrets: [a] }),
    (a) => ({ line: `level=error msg="auth" session_token="${a}"`, secrets: [a] }),
    (a) => ({ line: `level=error msg="db" dsn=postgres://app:${a}@db/x`, secrets: [a] }),
    (a) => ({ line: `level=error msg="bad body {\\"password\\": \\"${a}\\"}"`, secrets: [a] }),
    (_a, _b, c) => ({ line: `level=error msg="charge failed" pan=${c}`, secrets: [c] }),
  ],
};
const NOISE: Record<Family, string> = {
  text: '2026-11-26T00:00:00.000Z INFO request served in 12ms',
  json: '{"level":"info","msg":"request served","ms":12}',
  logfmt: 'level=info msg="request served" ms=12',
};

const family = fc.constantFrom<Family>('text', 'json', 'logfmt');
const planted = family.chain((f) =>
  fc.record({
    family: fc.constant(f),
    lines: fc.array(fc.tuple(fc.nat(PLANTS[f].length - 1), secret, secret, card), { minLength: 1, maxLength: 12 }),
  }),
);

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe('redaction of planted secrets', () => {
  it('finds no planted secret in any output: records (raw, message, fields), summary (group samples, templates), HTML report; JSON raw stays JSON', async () => {
    const config = { rules: parseRules({ minLevel: 'error' }), maxLineBytes: 1024 * 1024, longLines: 'truncate' as const };
    await fc.assert(
      fc.asyncProperty(planted, async ({ family: f, lines }) => {
        const plants = lines.map(([i, a, b, c]) => PLANTS[f][i]!(a, b, c));
        const text = [NOISE[f], ...plants.flatMap((p) => [p.line, NOISE[f]])].join('\n');
        const outDir = await mkdtemp(path.join(tmpdir(), 'logsieve-secrets-'));
        const done = await processToDirectory({ bytes: bytesOf(text), ref: { bucket: '', key: `planted.${f}.log` }, config, outDir });
        const records = gunzipSync(await readFile(done.errorsPath)).toString('utf8');
        const outputs = [records, await readFile(done.summaryPath, 'utf8'), await readFile(done.reportPath, 'utf8')].join('\n');
        expect(await readdir(outDir)).toHaveLength(3);
        // Every planted line is an error record: nothing was lost to redaction.
        expect(done.summary.counts.records).toBe(plants.length);
        for (const p of plants) for (const s of p.secrets) expect(outputs).not.toContain(s);
        if (f === 'json') {
          for (const line of records.trimEnd().split('\n')) expect(() => JSON.parse((JSON.parse(line) as ErrorRecord).raw)).not.toThrow();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('redacts a secret that starts before the raw and message caps and runs far past them, on a 1 MiB line', async () => {
    const config = { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' as const };
    const pem = `-----BEGIN RSA PRIVATE KEY----- ${'QzPEM'.repeat(8_000)} -----END RSA PRIVATE KEY-----`;
    const lines = [
      `ERROR ${'x'.repeat(8_150)} password="${'QzLONG'.repeat(5_000)}" tail ${'y'.repeat(1024 * 1024 - 40_000)}`,
      `ERROR ${'m'.repeat(1_000)} ${pem}`,
    ];
    const outDir = await mkdtemp(path.join(tmpdir(), 'logsieve-secrets-'));
    const done = await processToDirectory({ bytes: bytesOf(`${lines.join('\n')}\n`), ref: { bucket: '', key: 'long.log' }, config, outDir });
    const records = gunzipSync(await readFile(done.errorsPath)).toString('utf8');
    const outputs = [records, await readFile(done.summaryPath, 'utf8'), await readFile(done.reportPath, 'utf8')].join('\n');
    expect(done.summary.counts.records).toBe(2);
    expect(outputs).not.toMatch(/QzLONG|QzPEM/);
    expect(records.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as ErrorRecord).truncated)).toEqual([true, true]);
  });
});
