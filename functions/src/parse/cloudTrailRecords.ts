import { Tokenizer, TokenParser } from '@streamparser/json';
import { capJsonDepth } from './capJsonDepth.js';
import { LEVEL_RANK, MAX_JSON_DEPTH, OPT_IN_CLASSES } from './constants.js';
import { countParseFailure, createParseStats } from './createParseStats.js';
import { createRecordBuilder } from './createRecordBuilder.js';
import { CloudTrailParseError, ParseOptionsError } from './errors.js';
import { classifyJsonObject } from './formats/classifyJsonObject.js';
import { rankToLevel } from './formats/levelRank.js';
import { parseRules } from './parseRules.js';
import type { ErrorClass, ErrorRecord, RecordOptions } from './types.js';

const DEFAULT_RULES = parseRules({});
// TokenType values of @streamparser/json (a const enum in its typings).
const LEFT_BRACE = 0;
const RIGHT_BRACE = 1;
const LEFT_BRACKET = 2;
const RIGHT_BRACKET = 3;
const STRING = 9;

/** Options of {@link cloudTrailRecords}: those of `records` without `format`. */
export type CloudTrailOptions = Omit<RecordOptions, 'format'>;

/**
 * Streams a CloudTrail `{"Records":[…]}` document record by record with @streamparser/json, so a
 * document that is one line of hundreds of MB never sits in memory whole: each event is
 * materialised, classified (`errorCode` present, or `responseElements.ConsoleLogin` = `Failure`)
 * and dropped. Records with an error become error records (`format: 'cloudtrail'`, `firstLine` and
 * `lastLine` are the 1-based index of the event in `Records`, `byteOffset` where its `{` starts).
 * Yields one array per input chunk that completed records. Holds one event plus the parser's
 * string buffer.
 *
 * @throws CloudTrailParseError when the bytes are not JSON, with the byte offset.
 * @example
 * for await (const batch of cloudTrailRecords(decompress(body), { source: { bucket, key }, stats })) write(batch);
 */
export async function* cloudTrailRecords(
  bytes: AsyncIterable<Uint8Array>,
  options: CloudTrailOptions,
): AsyncGenerator<ErrorRecord[], void, undefined> {
  if (typeof options !== 'object' || options === null) throw new ParseOptionsError('options', 'an object', options);
  if (typeof options.source?.bucket !== 'string' || typeof options.source?.key !== 'string') {
    throw new ParseOptionsError('options.source', 'an object { bucket: string, key: string }', options.source);
  }
  const rules = options.rules ?? DEFAULT_RULES;
  const stats = options.stats ?? createParseStats();
  stats.format = 'cloudtrail';
  const build = createRecordBuilder({ source: options.source, rules, stats, groups: options.groups, grouper: options.grouper });
  const minRank = LEVEL_RANK[rules.minLevel];
  const allowed = new Set<ErrorClass>(rules.errorClasses);
  const everything = rules.minLevel === 'any';
  const context = { bucket: options.source.bucket, key: options.source.key };

  let out: ErrorRecord[] = [];
  let depth = 0;
  let recordStart = 0;
  let index = 0;
  let sawRecords = false;
  let topKey = '';

  const tokenizer = new Tokenizer();
  // Only elements of the top-level Records array are emitted; keepStack false lets each go after use.
  const tokenParser = new TokenParser({ paths: ['$.Records.*'], keepStack: false });
  // Linear time and a bounded parser stack: a too-deep value is replaced by null, the record kept and counted.
  const tooDeep = (offset: number): void =>
    countParseFailure(stats, index + 1, `a value nested deeper than ${MAX_JSON_DEPTH} levels at byte ${offset} was replaced by null`);
  tokenizer.onToken = capJsonDepth(MAX_JSON_DEPTH, (info) => {
    const { token, offset } = info;
    if (token === LEFT_BRACE || token === LEFT_BRACKET) {
      depth++;
      if (depth === 3 && token === LEFT_BRACE) recordStart = offset;
      if (depth === 2 && token === LEFT_BRACKET && topKey === 'Records') sawRecords = true;
    } else if (token === STRING && depth === 1) {
      // Keys and values alternate at depth 1; the string before an array opening is its key.
      topKey = info.value as string;
    } else if (token === RIGHT_BRACE || token === RIGHT_BRACKET) {
      depth--;
    }
    tokenParser.write(info);
  }, tooDeep);
  tokenParser.onValue = ({ value }) => {
    index++;
    stats.lines++;
    stats.events++;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      countParseFailure(stats, index, 'a Records element that is not an object');
      return;
    }
    try {
      const record = classify(value as Record<string, unknown>);
      if (record) out.push(record);
    } catch (error) {
      // One event that cannot be built must not sink the document.
      countParseFailure(stats, index, `building the record failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const classify = (value: Record<string, unknown>): ErrorRecord | null => {
    const { rank: r, ...parsed } = classifyJsonObject(value);
    const cls = parsed.class;
    let rank = r;
    stats.levels[rankToLevel(rank) ?? 'none']++;
    stats.classes[cls] = (stats.classes[cls] ?? 0) + 1;
    if (OPT_IN_CLASSES.includes(cls) && allowed.has(cls)) rank = LEVEL_RANK.error;
    else if (!everything && (rank < minRank || !allowed.has(cls))) return null;
    return build({
      firstLine: index,
      lastLine: index,
      byteOffset: recordStart,
      text: JSON.stringify(value),
      level: rankToLevel(rank) ?? 'none',
      cls,
      format: 'cloudtrail',
      parsed,
      truncated: false,
    });
  };
  // The default onError would throw from inside write(); collect it and throw with context instead.
  let failure: unknown;
  tokenizer.onError = (err) => {
    failure ??= err;
  };
  tokenParser.onError = (err) => {
    failure ??= err;
  };

  let consumed = 0;
  for await (const chunk of bytes) {
    options.signal?.throwIfAborted();
    if (tokenParser.isEnded) break; // the document ended; trailing bytes are ignored
    tokenizer.write(chunk);
    consumed += chunk.length;
    if (failure !== undefined) throw new CloudTrailParseError('invalid CloudTrail JSON', { ...context, byteOffset: consumed }, { cause: failure });
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  options.signal?.throwIfAborted();
  // Both halves must be ended: the tokenizer catches a cut token, the token parser a cut structure.
  try {
    if (!tokenizer.isEnded) tokenizer.end();
    if (!tokenParser.isEnded) tokenParser.end();
  } catch (cause) {
    failure ??= cause;
  }
  if (failure !== undefined) throw new CloudTrailParseError('truncated or invalid CloudTrail JSON', { ...context, byteOffset: consumed }, { cause: failure });
  if (!sawRecords && consumed > 0) {
    throw new CloudTrailParseError('not a CloudTrail document: no top-level "Records" array', { ...context, byteOffset: 0 });
  }
  if (out.length > 0) yield out;
}
