import { LEVEL_RANK } from '../constants.js';
import { toIsoTimestamp } from '../findTimestamp.js';
import type { ErrorClass, FieldValue, ParsedLine } from '../types.js';
import { levelRank, numericLevelRank, statusRank } from './levelRank.js';

type Obj = Record<string, unknown>;

const LEVEL_KEYS = ['level', 'severity', 'levelname', 'lvl', 'log.level', 'loglevel', 'log_level'] as const;
const MESSAGE_KEYS = ['message', 'msg', 'errorMessage', 'MESSAGE', '@message', 'log', 'event', 'text'] as const;
const TIME_KEYS = ['timestamp', 'time', '@timestamp', 'ts', 'eventTime', 'date', 'datetime', 'asctime', 'Timestamp'] as const;
const STATUS_KEYS = ['status', 'statusCode', 'status_code', 'httpStatus', 'responseStatus'] as const;
const FIELD_KEYS = [
  'errorType', 'errorCode', 'requestId', 'AWSRequestID', 'request_id', 'traceId', 'logger', 'name', 'function',
  'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'action', 'terminatingRuleId', 'type',
] as const;

/**
 * Classifies a parsed JSON log object: level fields (string in any case, or pino/bunyan number,
 * ECS `log.level`), Lambda JSON logs and `errorType`/`errorMessage` payloads, CloudTrail events
 * (`errorCode`, failed console sign-in), WAF (`action` BLOCK/CAPTCHA/CHALLENGE) and HTTP status
 * fields. Also used for each record of a CloudTrail document.
 */
export function classifyJsonObject(obj: Obj): ParsedLine & { rank: number } {
  const c: Classified = { rank: 0, cls: 'none', message: '', fields: {} };
  const level = firstOf(obj, LEVEL_KEYS) ?? nested(obj, 'log', 'level');
  if (typeof level === 'string') c.rank = levelRank(level, 0, level.length);
  else if (typeof level === 'number') c.rank = numericLevelRank(level);
  if (c.rank > 0) c.cls = 'level';

  const msgValue = firstOf(obj, MESSAGE_KEYS);
  if (typeof msgValue === 'string') c.message = msgValue;
  errorPayload(obj, msgValue, c);
  platformEvent(obj, c);
  awsErrorCode(obj, c);
  wafAction(obj, c);
  httpStatus(obj, c);

  for (const key of FIELD_KEYS) {
    if (c.fields[key] !== undefined) continue;
    const v = obj[key];
    if (v !== undefined && (v === null || typeof v !== 'object')) c.fields[key] = scalar(v);
  }
  if (c.message === '') c.message = JSON.stringify(obj).slice(0, 2048);

  let timestamp: string | null = null;
  const time = firstOf(obj, TIME_KEYS);
  if (time !== undefined) timestamp = toIsoTimestamp(time);

  return { rank: c.rank, level: null, class: c.cls, timestamp, message: c.message, fields: c.fields };
}

/** What the rules below decide, each in turn: a later rule may raise the rank or rename the message. */
interface Classified {
  rank: number;
  cls: ErrorClass;
  message: string;
  fields: Record<string, FieldValue>;
}

/** `errorType`/`errorMessage` payloads, bare or under `message`, `error`, `err`, `exception`. */
function errorPayload(obj: Obj, msgValue: unknown, c: Classified): void {
  const errorObj = pickErrorObject(obj, msgValue);
  if (!errorObj) return;
  c.fields.errorType = scalar(errorObj.errorType ?? errorObj.name ?? errorObj.type);
  const em = errorObj.errorMessage ?? errorObj.message;
  // A bare error payload reads best as `Type: message`, like the runtime prints it.
  if (c.message === '' || msgValue === errorObj || errorObj === obj) {
    c.message = `${String(c.fields.errorType ?? 'Error')}: ${typeof em === 'string' ? em : ''}`;
  }
  if (c.rank === 0) {
    c.rank = LEVEL_RANK.error;
    c.cls = 'exception';
  }
}

/** Lambda JSON log format platform events carry their outcome in record.status. */
function platformEvent(obj: Obj, c: Classified): void {
  if (!(typeof obj.type === 'string' && obj.type.startsWith('platform.') && typeof obj.record === 'object' && obj.record !== null)) return;
  const rec = obj.record as Obj;
  const status = rec.status;
  if (status === 'error' || status === 'failure' || status === 'timeout') {
    if (c.rank === 0) c.rank = LEVEL_RANK.error;
    c.cls = 'exception';
    c.fields.errorType = scalar(rec.errorType);
    c.message = `${obj.type} ${status}${typeof rec.errorType === 'string' ? ` ${rec.errorType}` : ''}`;
    c.fields.requestId = scalar(rec.requestId);
  }
}

/** CloudTrail events (`errorCode`, a failed console sign-in), and other AWS error documents with an `errorCode` (Firehose delivery errors). */
function awsErrorCode(obj: Obj, c: Classified): void {
  const isCloudTrail = typeof obj.eventSource === 'string' && typeof obj.eventName === 'string';
  if (isCloudTrail) {
    const errorCode = obj.errorCode;
    const login = nested(obj, 'responseElements', 'ConsoleLogin');
    const base = `${String(obj.eventSource)} ${String(obj.eventName)}`;
    if (typeof errorCode === 'string' && errorCode !== '') {
      c.rank = LEVEL_RANK.error;
      c.cls = 'aws-error-code';
      c.message = `${base}: ${errorCode}${typeof obj.errorMessage === 'string' ? ` ${obj.errorMessage}` : ''}`;
    } else if (login === 'Failure') {
      c.rank = LEVEL_RANK.error;
      c.cls = 'console-login-failure';
      const reason = typeof obj.errorMessage === 'string' ? obj.errorMessage : 'Failure';
      c.message = `${base}: ${reason}`;
    } else {
      if (c.rank === 0) c.rank = LEVEL_RANK.info;
      c.message = c.message || base;
    }
    c.fields.userArn = scalar(nested(obj, 'userIdentity', 'arn'));
  } else if (typeof obj.errorCode === 'string' && obj.errorCode !== '' && c.rank === 0) {
    c.rank = LEVEL_RANK.error;
    c.cls = 'aws-error-code';
    if (c.message === '') c.message = obj.errorCode;
  }
}

/** WAF logs: `action` BLOCK is an error, CAPTCHA/CHALLENGE a warning. */
function wafAction(obj: Obj, c: Classified): void {
  if (!(typeof obj.webaclId === 'string' && typeof obj.action === 'string')) return;
  const action = obj.action.toUpperCase();
  const req = (typeof obj.httpRequest === 'object' && obj.httpRequest !== null ? obj.httpRequest : {}) as Obj;
  c.message = `${action} ${String(obj.terminatingRuleId ?? '')} ${String(req.httpMethod ?? '')} ${String(req.uri ?? '')}`.trim();
  c.fields.clientIp = scalar(req.clientIp);
  c.fields.uri = scalar(req.uri);
  if (action === 'BLOCK') {
    c.rank = LEVEL_RANK.error;
    c.cls = 'waf-block';
  } else if (action === 'CAPTCHA' || action === 'CHALLENGE') {
    c.rank = LEVEL_RANK.warn;
    c.cls = 'waf-challenge';
  } else if (c.rank === 0) c.rank = LEVEL_RANK.info;
}

/** An HTTP status field: always kept as a field, and the rank when nothing else gave one. */
function httpStatus(obj: Obj, c: Classified): void {
  const status = firstOf(obj, STATUS_KEYS);
  const statusNum = typeof status === 'number' ? status : typeof status === 'string' ? Number(status) : NaN;
  if (!Number.isInteger(statusNum)) return;
  c.fields.status = statusNum;
  if (c.rank === 0) {
    c.rank = statusRank(statusNum);
    c.cls = c.rank >= LEVEL_RANK.error ? 'http-5xx' : c.rank === LEVEL_RANK.warn ? 'http-4xx' : 'none';
  }
}

function pickErrorObject(obj: Obj, msgValue: unknown): Obj | undefined {
  if (typeof obj.errorType === 'string' || (typeof obj.errorMessage === 'string' && obj.errorType !== undefined)) return obj;
  // Lambda JSON log format puts the error payload in `message`; others nest it under `error`/`err`.
  for (const candidate of [msgValue, obj.error, obj.err, obj.exception]) {
    if (typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)) {
      const c = candidate as Obj;
      if (typeof c.errorType === 'string' || typeof c.errorMessage === 'string' || typeof c.message === 'string') return c;
    }
  }
  return undefined;
}

function firstOf(obj: Obj, keys: readonly string[]): unknown {
  for (const key of keys) {
    const v = obj[key];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function nested(obj: Obj, a: string, b: string): unknown {
  const inner = obj[a];
  return typeof inner === 'object' && inner !== null ? (inner as Obj)[b] : undefined;
}

function scalar(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v) ?? null;
}
