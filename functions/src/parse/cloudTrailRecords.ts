import { Tokenizer, TokenParser } from '@streamparser/json';
import { capJsonDepth } from './capJsonDepth.js';
import { LEVEL_RANK, MAX_JSON_DEPTH, OPT_IN_CLASSES } from './constants.js';
import { countParseFailure, createParseStats } from './createParseStats.js';
import { createRecordBuilder } from './createRecordBuilder.js';
import { CloudTrailParseError, ParseOptionsError } from './errors.js';
import { classifyJsonObject } from './formats/classifyJsonObject.js';
import { rankToLevel } from './formats/levelRank.js';
import { parseRules } from './parseRules.js';
import type { ErrorClass, ErrorRecord, ParseStats, RecordOptions } from './types.js';

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
  const context = { bucket: options.source.bucket, key: options.source.key };
  const parser = createCloudTrailParser(options);
  let consumed = 0;
  for await (const chunk of bytes) {
    options.signal?.throwIfAborted();
    if (parser.ended) break; // the document ended; trailing bytes are ignored
    parser.write(chunk);
    consumed += chunk.length;
    if (parser.failure !== undefined) throw new CloudTrailParseError('invalid CloudTrail JSON', { ...context, byteOffset: consumed }, { cause: parser.failure });
    const out = parser.take();
    if (out.length > 0) yield out;
  }
  options.signal?.throwIfAborted();
  parser.end();
  if (parser.failure !== undefined) throw new CloudTrailParseError('truncated or invalid CloudTrail JSON', { ...context, byteOffset: consumed }, { cause: parser.failure });
  if (!parser.sawRecords && consumed > 0) {
    throw new CloudTrailParseError('not a CloudTrail document: no top-level "Records" array', { ...context, byteOffset: 0 });
  }
  const out = parser.take();
  if (out.length > 0) yield out;
}

/** The push parser under {@link cloudTrailRecords}: bytes in, the error records of completed events out. */
interface CloudTrailParser {
  write(chunk: Uint8Array): void;
  /** Ends both halves; a cut token or structure becomes `failure`. */
  end(): void;
  /** The error records built since the last call. */
  take(): ErrorRecord[];
  /** The first error of the tokenizer or the token parser (their default onError would throw from inside write()). */
  readonly failure: unknown;
  readonly ended: boolean;
  /** Whether a top-level `Records` array was opened. */
  readonly sawRecords: boolean;
}

function createCloudTrailParser(options: CloudTrailOptions): CloudTrailParser {
  const stats = options.stats ?? createParseStats();
  stats.format = 'cloudtrail';
  const classify = createEventClassifier(options, stats);
  let out: ErrorRecord[] = [];
  let depth = 0;
  let recordStart = 0;
  let index = 0;
  let sawRecords = false;
  let topKey = '';
  let failure: unknown;

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
      const record = classify(value as Record<string, unknown>, index, recordStart);
      if (record) out.push(record);
    } catch (error) {
      // One event that cannot be built must not sink the document.
      countParseFailure(stats, index, `building the record failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  tokenizer.onError = (err) => {
    failure ??= err;
  };
  tokenParser.onError = (err) => {
    failure ??= err;
  };
  return {
    write: (chunk) => tokenizer.write(chunk),
    end() {
      // Both halves must be ended: the tokenizer catches a cut token, the token parser a cut structure.
      try {
        if (!tokenizer.isEnded) tokenizer.end();
        if (!tokenParser.isEnded) tokenParser.end();
      } catch (cause) {
        failure ??= cause;
      }
    },
    take() {
      const taken = out;
      out = [];
      return taken;
    },
    get failure() {
      return failure;
    },
    get ended() {
      return tokenParser.isEnded;
    },
    get sawRecords() {
      return sawRecords;
    },
  };
}

/**
 * Classifies one CloudTrail event (`errorCode` present, or a failed ConsoleLogin), counts its level
 * and class, and builds its error record when the rules keep it (else null).
 */
function createEventClassifier(options: CloudTrailOptions, stats: ParseStats): (value: Record<string, unknown>, index: number, byteOffset: number) => ErrorRecord | null {
  const rules = options.rules ?? DEFAULT_RULES;
  const build = createRecordBuilder({ source: options.source, rules, stats, groups: options.groups, grouper: options.grouper });
  const minRank = LEVEL_RANK[rules.minLevel];
  const allowed = new Set<ErrorClass>(rules.errorClasses);
  const everything = rules.minLevel === 'any';
  return (value, index, byteOffset) => {
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
      byteOffset,
      text: JSON.stringify(value),
      level: rankToLevel(rank) ?? 'none',
      cls,
      format: 'cloudtrail',
      parsed,
      truncated: false,
    });
  };
}
