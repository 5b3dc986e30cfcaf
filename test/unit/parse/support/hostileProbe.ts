/**
 * Child process of `hostileRegex.test.ts`: runs every hostile line of `dev/local/hostileLines.ts`
 * through format detection and the whole parse stage (every parser, the redactor, the user patterns,
 * grouping) and prints `start <case>` before and one JSON line `{case, ms}` after each, so that the
 * parent can name the case that did not finish in its time limit.
 * Usage: node --import tsx hostileProbe.ts <bytes> [case name filter]
 */
import { createParseStats } from '../../../../functions/src/parse/createParseStats.js';
import { detectFormat } from '../../../../functions/src/parse/detectFormat.js';
import { parseRules } from '../../../../functions/src/parse/parseRules.js';
import { records } from '../../../../functions/src/parse/records.js';
import { sniffFormat } from '../../../../functions/src/parse/sniffFormat.js';
import type { LogFormat } from '../../../../functions/src/parse/types.js';
import { HOSTILE_LINES, HOSTILE_RULES } from '../../../../dev/local/hostileLines.js';

const bytes = Number(process.argv[2] ?? 1024 * 1024);
const only = process.argv[3];
/** One format per parser (waf and cloudtrail lines share the JSON parser, elb the ALB one). */
const FORMATS: LogFormat[] = ['text', 'json', 'logfmt', 'syslog', 'access', 'alb', 'cloudfront', 's3-access', 'vpc-flow'];
const RULE_SETS = {
  // Every line a record: exclude, redaction, message and grouping all see it.
  every: parseRules({ minLevel: HOSTILE_RULES.minLevel, exclude: [...HOSTILE_RULES.exclude] }),
  // Lines that are no error by level go through the error patterns.
  patterns: parseRules({ errorPatterns: [...HOSTILE_RULES.errorPatterns] }),
};

async function parse(text: string, format: LogFormat, rules: (typeof RULE_SETS)[keyof typeof RULE_SETS]): Promise<number> {
  const line = { text, number: 1, offset: 0, bytes: text.length, truncated: false };
  const batches = (async function* () {
    yield [line];
  })();
  let n = 0;
  for await (const batch of records(batches, { source: { bucket: 'b', key: 'hostile.log' }, format, rules, stats: createParseStats() })) n += batch.length;
  return n;
}

async function timed(name: string, work: () => unknown): Promise<void> {
  process.stdout.write(`start ${name}\n`);
  const t = performance.now();
  await work();
  process.stdout.write(`${JSON.stringify({ case: name, ms: Math.round(performance.now() - t) })}\n`);
}

for (const hostile of HOSTILE_LINES) {
  if (only !== undefined && !hostile.name.includes(only)) continue;
  const text = hostile.text(bytes);
  await timed(`${hostile.name} detect`, () => {
    detectFormat([text, text], 'hostile.log');
    sniffFormat(Buffer.from(text));
  });
  for (const format of FORMATS) await timed(`${hostile.name} ${format}`, () => parse(text, format, RULE_SETS.every));
  // The error patterns run where the level did not qualify the line, whatever the format.
  await timed(`${hostile.name} errorPatterns`, () => parse(text, 'text', RULE_SETS.patterns));
}
process.stdout.write('done\n');
