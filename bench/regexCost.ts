/**
 * `npm run bench:regex`: what the linear patterns cost (issue 13, class 1), in one process, medians
 * of 7 runs (the two arms of a comparison alternate). Prints a table, then one JSON line.
 *
 * - redactor on ordinary lines (a generated app log: INFO/WARN/ERROR, URLs, `token` words), lines/s,
 *   against the redactor before issue 13 (read from git, commit `93cef1a`) in the same run;
 * - user patterns of the rules on the same lines: V8 `RegExp` (what the rules used before) against
 *   `compilePattern` (V8 for a pattern without quantifiers, RE2 otherwise), lines/s;
 * - the worst lines: each hostile line of `dev/local/hostileLines.ts` at 1 MiB through the
 *   redactor (MB/s, slowest first), and the old redactor on 16 KiB of the worst one (it is
 *   quadratic: 1 MiB would take minutes).
 *
 * Machine noise: 2 shared cores; the ratios are what to read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compilePattern } from '../functions/src/parse/compilePattern.js';
import { REDACTION_KINDS } from '../functions/src/parse/constants.js';
import type { Redactor } from '../functions/src/parse/createRedactor.js';
import { createRedactor } from '../functions/src/parse/createRedactor.js';
import type { RedactionRules } from '../functions/src/parse/types.js';
import { HOSTILE_LINES } from '../dev/local/hostileLines.js';

const BASELINE_COMMIT = '93cef1a';
const RUNS = 7;
const MiB = 1024 * 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median time of `work` over {@link RUNS} runs, ms. */
function time(work: () => void): number {
  const runs: number[] = [];
  work(); // warm-up
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    work();
    runs.push(performance.now() - t);
  }
  return median(runs);
}

function ordinaryLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(Date.UTC(2026, 10, 26, 12) + i * 13).toISOString();
    const kind = i % 10;
    if (kind === 0) out.push(`${ts} ERROR [orders] payment failed for order ${100000 + i}: upstream https://pay.internal/v1/charge returned 502 after ${i % 900} ms`);
    else if (kind === 1) out.push(`${ts} WARN  [auth] token refresh slow (${i % 300} ms) for user u${i % 977}`);
    else out.push(`${ts} INFO  [http] GET /api/v1/orders/${i} 200 ${i % 250} ms user=u${i % 977} req=${(i * 2654435761 >>> 0).toString(16)}`);
  }
  return out;
}

/** The redactor as it was before issue 13, from git; undefined outside a clone that has the commit. */
async function baselineRedactor(): Promise<((rules: RedactionRules) => Redactor) | undefined> {
  try {
    const source = execFileSync('git', ['show', `${BASELINE_COMMIT}:functions/src/parse/createRedactor.ts`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'logsieve-bench-')), 'createRedactor.ts');
    writeFileSync(file, source);
    return ((await import(pathToFileURL(file).href)) as { createRedactor: (rules: RedactionRules) => Redactor }).createRedactor;
  } catch {
    return undefined;
  }
}

const rules: RedactionRules = { enabled: true, kinds: [...REDACTION_KINDS] };
const redact = createRedactor(rules);
const oldCreate = await baselineRedactor();
const oldRedact = oldCreate?.({ enabled: true, kinds: ['aws-access-key-id', 'secret-value', 'bearer-token', 'authorization-header', 'url-password', 'private-key'] });
const lines = ordinaryLines(200_000);
const none = (): void => {};
const linesPerSec = (ms: number): number => Math.round((lines.length / ms) * 1000);

/** Median times of `a` and `b`, run alternately ({@link RUNS} each) so that machine drift hits both alike. */
function paired(a: () => void, b: () => void): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  a();
  b();
  for (let r = 0; r < RUNS; r++) {
    for (const [work, into] of [[a, ta], [b, tb]] as const) {
      const t = performance.now();
      work();
      into.push(performance.now() - t);
    }
  }
  return [median(ta), median(tb)];
}

const [newMs, oldMs] = paired(() => lines.forEach((l) => redact(l, none)), () => lines.forEach((l) => (oldRedact ?? redact)(l, none)));
const redactorNew = linesPerSec(newMs);
const redactorOld = oldRedact ? linesPerSec(oldMs) : undefined;

const PATTERNS = ['OutOfMemory', 'payment failed|Task timed out', 'timed? ?out after \\d+ ?ms', 'upstream \\S+ returned 5\\d\\d'];
const patterns = PATTERNS.map((source) => {
  const native = new RegExp(source, 'i');
  const linear = compilePattern(source, 'errorPatterns[0]');
  const [nativeMs, linearMs] = paired(() => lines.forEach((l) => native.test(l)), () => lines.forEach((l) => linear.test(l)));
  return { source, engine: linear.engine, native: linesPerSec(nativeMs), linear: linesPerSec(linearMs) };
});

const worst = HOSTILE_LINES.map((h) => {
  const text = h.text(MiB);
  return { name: h.name, mbPerSec: +(MiB / 1e6 / (time(() => redact(text, none)) / 1000)).toFixed(1) };
}).sort((a, b) => a.mbPerSec - b.mbPerSec);
const smallWorst = HOSTILE_LINES[0]!.text(16 * 1024);
const oldWorst = oldRedact ? +((16 * 1024) / 1e6 / (time(() => oldRedact(smallWorst, none)) / 1000)).toFixed(3) : undefined;
const userWorst = ['(a+)+$', '^(\\w+\\s?)*$'].map((source) => {
  const p = compilePattern(source, 'errorPatterns[0]');
  const text = source.startsWith('(a') ? `${'a'.repeat(MiB - 1)}!` : `${'word '.repeat(Math.floor(MiB / 5))}!`;
  return { source, engine: p.engine, mbPerSec: +(MiB / 1e6 / (time(() => p.test(text)) / 1000)).toFixed(1) };
});

console.log('redactor on ordinary lines (lines/s):');
console.log(`  now ${redactorNew.toLocaleString('en-US')}   before issue 13 ${redactorOld?.toLocaleString('en-US') ?? '(baseline not in this clone)'}${redactorOld ? `   ratio ${(redactorNew / redactorOld).toFixed(2)}` : ''}`);
console.log('user patterns on ordinary lines (lines/s): V8 RegExp (before) vs compilePattern (now)');
for (const p of patterns) console.log(`  ${p.source.padEnd(34)} ${p.engine.padEnd(4)} ${p.native.toLocaleString('en-US').padStart(12)} ${p.linear.toLocaleString('en-US').padStart(12)}   ratio ${(p.linear / p.native).toFixed(2)}`);
console.log('redactor on 1 MiB hostile lines (MB/s, slowest first):');
for (const w of worst.slice(0, 6)) console.log(`  ${w.name.padEnd(22)} ${w.mbPerSec}`);
console.log(`  before issue 13, ${HOSTILE_LINES[0]!.name} at 16 KiB: ${oldWorst ?? '?'} MB/s (quadratic)`);
console.log('user patterns of issue 13 on 1 MiB (MB/s):');
for (const u of userWorst) console.log(`  ${u.source.padEnd(16)} ${u.engine} ${u.mbPerSec}`);
console.log(JSON.stringify({
  bench: 'regex',
  redactorLinesPerSec: { now: redactorNew, before: redactorOld ?? null },
  userPatternsLinesPerSec: patterns,
  redactorWorstMBps: worst[0],
  redactorWorstBeforeMBpsAt16KiB: oldWorst ?? null,
  userPatternsWorstMBps: userWorst,
}));
