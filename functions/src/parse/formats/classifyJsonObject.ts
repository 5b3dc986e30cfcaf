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
  let rank = 0;
  let cls: ErrorClass = 'none';
  const fields: Record<string, FieldValue> = {};

  const level = firstOf(obj, LEVEL_KEYS) ?? nested(obj, 'log', 'level');
  if (typeof level === 'string') rank = levelRank(level, 0, level.length);
  else if (typeof level === 'number') rank = numericLevelRank(level);
  if (rank > 0) cls = 'level';

  const msgValue = firstOf(obj, MESSAGE_KEYS);
  const errorObj = pickErrorObject(obj, msgValue);
  let message = typeof msgValue === 'string' ? msgValue : '';

  if (errorObj) {
    fields.errorType = scalar(errorObj.errorType ?? errorObj.name ?? errorObj.type);
    const em = errorObj.errorMessage ?? errorObj.message;
    // A bare error payload reads best as `Type: message`, like the runtime prints it.
    if (message === '' || msgValue === errorObj || errorObj === obj) {
      message = `${String(fields.errorType ?? 'Error')}: ${typeof em === 'string' ? em : ''}`;
    }
    if (rank === 0) {
      rank = LEVEL_RANK.error;
      cls = 'exception';
    }
  }

  // Lambda JSON log format platform events carry their outcome in record.status.
  if (typeof obj.type === 'string' && obj.type.startsWith('platform.') && typeof obj.record === 'object' && obj.record !== null) {
    const rec = obj.record as Obj;
    const status = rec.status;
    if (status === 'error' || status === 'failure' || status === 'timeout') {
      if (rank === 0) rank = LEVEL_RANK.error;
      cls = 'exception';
      fields.errorType = scalar(rec.errorType);
      message = `${obj.type} ${status}${typeof rec.errorType === 'string' ? ` ${rec.errorType}` : ''}`;
      fields.requestId = scalar(rec.requestId);
    }
  }

  const isCloudTrail = typeof obj.eventSource === 'string' && typeof obj.eventName === 'string';
  if (isCloudTrail) {
    const errorCode = obj.errorCode;
    const login = nested(obj, 'responseElements', 'ConsoleLogin');
    const base = `${String(obj.eventSource)} ${String(obj.eventName)}`;
    if (typeof errorCode === 'string' && errorCode !== '') {
      rank = LEVEL_RANK.error;
      cls = 'aws-error-code';
      message = `${base}: ${errorCode}${typeof obj.errorMessage === 'string' ? ` ${obj.errorMessage}` : ''}`;
    } else if (login === 'Failure') {
      rank = LEVEL_RANK.error;
      cls = 'console-login-failure';
      const reason = typeof obj.errorMessage === 'string' ? obj.errorMessage : 'Failure';
      message = `${base}: ${reason}`;
    } else {
      if (rank === 0) rank = LEVEL_RANK.info;
      message = message || base;
    }
    fields.userArn = scalar(nested(obj, 'userIdentity', 'arn'));
  } else if (typeof obj.errorCode === 'string' && obj.errorCode !== '' && rank === 0) {
    // Firehose delivery errors and other AWS error documents.
    rank = LEVEL_RANK.error;
    cls = 'aws-error-code';
    if (message === '') message = obj.errorCode;
  }

  if (typeof obj.webaclId === 'string' && typeof obj.action === 'string') {
    const action = obj.action.toUpperCase();
    const req = (typeof obj.httpRequest === 'object' && obj.httpRequest !== null ? obj.httpRequest : {}) as Obj;
    message = `${action} ${String(obj.terminatingRuleId ?? '')} ${String(req.httpMethod ?? '')} ${String(req.uri ?? '')}`.trim();
    fields.clientIp = scalar(req.clientIp);
    fields.uri = scalar(req.uri);
    if (action === 'BLOCK') {
      rank = LEVEL_RANK.error;
      cls = 'waf-block';
    } else if (action === 'CAPTCHA' || action === 'CHALLENGE') {
      rank = LEVEL_RANK.warn;
      cls = 'waf-challenge';
    } else if (rank === 0) rank = LEVEL_RANK.info;
  }

  const status = firstOf(obj, STATUS_KEYS);
  const statusNum = typeof status === 'number' ? status : typeof status === 'string' ? Number(status) : NaN;
  if (Number.isInteger(statusNum)) {
    fields.status = statusNum;
    if (rank === 0) {
      rank = statusRank(statusNum);
      cls = rank >= LEVEL_RANK.error ? 'http-5xx' : rank === LEVEL_RANK.warn ? 'http-4xx' : 'none';
    }
  }

  for (const key of FIELD_KEYS) {
    if (fields[key] !== undefined) continue;
    const v = obj[key];
    if (v !== undefined && (v === null || typeof v !== 'object')) fields[key] = scalar(v);
  }
  if (message === '') message = JSON.stringify(obj).slice(0, 2048);

  let timestamp: string | null = null;
  const time = firstOf(obj, TIME_KEYS);
  if (time !== undefined) timestamp = toIsoTimestamp(time);

  return { rank, level: null, class: cls, timestamp, message, fields };
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
