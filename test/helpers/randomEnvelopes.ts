/**
 * Random CloudWatch Logs subscription data for the property test of the envelope scanner: envelopes
 * in any key order with extra and duplicate keys, events valid and not, messages with every kind of
 * escape (`\"`, `\\`, `\n`, `\/`, `\uXXXX`, surrogate pairs and lone surrogates written both ways),
 * unicode, braces and quotes, control messages, values nested past the depth cap, whitespace and
 * separators between envelopes, and (when asked) damage: cut, inserted, replaced and dropped bytes.
 */

/** Random numbers in [0, 1), e.g. `prng(seed)` of dev/local/prng.ts. */
export type Random = () => number;

const WORDS = ['ERROR', 'INFO', 'order', 'failed', 'ok', 'at handler (/var/task/index.mjs:12:5)', 'Traceback', '\t', ' ', '  '];
const ODD = ['"', '\\', '{', '}', '[', ']', '{"level":"error"}', '\n', '\r\n', '\r', '\u0000', '\u001f', '\u007f', 'é', '東京', '😀', '\u2028',
  '\ud800', '\udc00', '\udbff\udfff', '/', '\\n', '\\"', '\\u0041', 'null', '}{', '"}]}'];

function pick<T>(rand: Random, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** A message: words and odd pieces, sometimes long (past the tokenizer's 64 KiB string buffer). */
export function randomMessage(rand: Random): string {
  const parts: string[] = [];
  const n = rand() < 0.02 ? 3000 : Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) parts.push(rand() < 0.6 ? pick(rand, WORDS) : pick(rand, ODD));
  if (rand() < 0.5) parts.push('\n');
  return parts.join(rand() < 0.5 ? ' ' : '');
}

/** A JSON string literal of `s`, escaped in one of the ways JSON allows, chosen at random per character. */
export function jsonString(s: string, rand: Random): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const r = rand();
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || r < 0.08) out += code > 0xffff ? unicodeEscape(ch.charCodeAt(0), rand) + unicodeEscape(ch.charCodeAt(1), rand) : shortEscape(code) ?? unicodeEscape(code, rand);
    else if (ch === '/' && r < 0.5) out += '\\/';
    else if (code >= 0xd800 && code <= 0xdfff) out += unicodeEscape(code, rand); // a lone surrogate cannot be written as UTF-8
    else out += ch;
  }
  return `${out}"`;
}

function shortEscape(code: number): string | undefined {
  return ({ 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' } as Record<number, string>)[code];
}

function unicodeEscape(code: number, rand: Random): string {
  const hex = code.toString(16).padStart(4, '0');
  return `\\u${rand() < 0.5 ? hex : hex.toUpperCase()}`;
}

function ws(rand: Random): string {
  return rand() < 0.8 ? '' : pick(rand, [' ', '\n', '\r\n', '\t', '  ']);
}

/** JSON text of a random value `depth` levels deep at most (sometimes a long chain of arrays). */
function randomValue(rand: Random, depth: number): string {
  const r = rand();
  if (depth <= 0 || r < 0.4) return pick(rand, ['1', '-0', '2.5e3', '0.1', 'true', 'false', 'null', jsonString(randomMessage(rand), rand), '12345678901234567890']);
  if (r < 0.43) {
    const n = 500 + Math.floor(rand() * 30); // around the 512-level cap, counting the envelope's own levels
    return `${'['.repeat(n)}${rand() < 0.5 ? '{"a":1}' : '"x"'}${']'.repeat(n)}`;
  }
  const n = Math.floor(rand() * 4);
  if (r < 0.7) return `[${Array.from({ length: n }, () => randomValue(rand, depth - 1)).join(`,${ws(rand)}`)}]`;
  return `{${Array.from({ length: n }, () => `${jsonString(pick(rand, ['a', 'message', 'id', '__proto__', 'é']), rand)}:${ws(rand)}${randomValue(rand, depth - 1)}`).join(',')}}`;
}

function randomEvent(rand: Random, i: number): string {
  const r = rand();
  if (r < 0.05) return randomValue(rand, 2); // not an object, or an object without a string message
  const members: string[] = [];
  if (rand() < 0.9) members.push(`"id":${rand() < 0.9 ? jsonString(`3195310660696698337880902507980421114328961542429822${i}`, rand) : pick(rand, ['""', '7', 'null'])}`);
  if (rand() < 0.9) members.push(`"timestamp":${pick(rand, ['1764158400000', '1764158400000.5', '-1', '"1764158400000"', '1e400', String(1764158400000 + i)])}`);
  members.push(`"message":${r < 0.1 ? randomValue(rand, 1) : jsonString(randomMessage(rand), rand)}`);
  if (rand() < 0.1) members.push(`${jsonString(pick(rand, ['extra', '__proto__', 'message']), rand)}:${randomValue(rand, 2)}`);
  if (rand() < 0.5) members.reverse();
  return `{${ws(rand)}${members.join(`,${ws(rand)}`)}${ws(rand)}}`;
}

/** One envelope's JSON text: metadata in AWS's order, events first, or shuffled; extra keys; sometimes no envelope at all. */
export function randomEnvelope(rand: Random): string {
  const events = Array.from({ length: Math.floor(rand() * 6) }, (_, i) => randomEvent(rand, i));
  const members = [
    `"messageType":${rand() < 0.85 ? '"DATA_MESSAGE"' : rand() < 0.9 ? '"CONTROL_MESSAGE"' : randomValue(rand, 1)}`,
    `"owner":${jsonString(pick(rand, ['123456789012', '', 'CloudwatchLogs']), rand)}`,
    `"logGroup":${rand() < 0.9 ? jsonString(pick(rand, ['/aws/lambda/orders', '', '/ecs/ödd {group}']), rand) : randomValue(rand, 1)}`,
    `"logStream":${jsonString(pick(rand, ['2026/11/26/[$LATEST]0123', '', 'eni-1']), rand)}`,
    `"subscriptionFilters":[${ws(rand)}"to-firehose"]`,
    `"logEvents":${rand() < 0.97 ? `[${ws(rand)}${events.join(`,${ws(rand)}`)}${ws(rand)}]` : randomValue(rand, 2)}`,
  ];
  const r = rand();
  if (r < 0.2) members.push(members.shift()!); // messageType last
  else if (r < 0.35) members.unshift(members.pop()!); // logEvents first
  else if (r < 0.45) members.sort(() => rand() - 0.5);
  if (rand() < 0.1) members.splice(Math.floor(rand() * members.length), 1);
  if (rand() < 0.05) members.push(`"owner":${jsonString('dup', rand)}`);
  if (rand() < 0.03) return pick(rand, ['{}', '{"level":"error"}', '[1]', '"x"', '5']);
  return `{${ws(rand)}${members.join(`,${ws(rand)}`)}${ws(rand)}}`;
}

/** Damaging bytes: what a cut, a bad byte or a stray quote makes of an envelope. */
const DAMAGE: number[][] = [[0x22], [0x5c], [0x7b], [0x7d], [0x5b], [0x5d], [0x2c], [0x3a], [0x00], [0x1f], [0xff], [0xc3], [0xed, 0xa0, 0x80],
  [0xe2, 0x82], [0x78], [0x30], [0x2d], [0x20], [0x0a], [0x74], [0xef, 0xbb, 0xbf]];

/** The bytes of a few envelopes with separators, and damage at random places when `damage` is set. */
export function randomEnvelopeBytes(rand: Random, damage: boolean): Buffer {
  const count = 1 + Math.floor(rand() * 4);
  const text = Array.from({ length: count }, () => randomEnvelope(rand)).map((e) => e + pick(rand, ['', '', '\n', '\r\n', ' \n'])).join('');
  let bytes = Buffer.from(text, 'utf8');
  if (rand() < 0.03) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  if (!damage) return bytes;
  const hits = 1 + Math.floor(rand() * 3);
  for (let h = 0; h < hits && bytes.length > 0; h++) {
    const at = Math.floor(rand() * bytes.length);
    const kind = rand();
    if (kind < 0.25) bytes = bytes.subarray(0, at);
    else if (kind < 0.5) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(rand, DAMAGE)), bytes.subarray(at)]);
    else if (kind < 0.75) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(rand, DAMAGE)), bytes.subarray(at + 1)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
  }
  return bytes;
}
