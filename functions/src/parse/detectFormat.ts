import { DETECT_LINES } from './constants.js';
import type { LogFormat } from './types.js';

const ALB = /^(?:https?|h2|wss?|grpcs?) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z \S+ \S+ \S+ [-\d.]+ [-\d.]+ [-\d.]+ (?:\d{3}|-) /;
const ELB = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z \S+ \S+ \S+ [-\d.]+ [-\d.]+ [-\d.]+ (?:\d{3}|-) (?:\d{3}|-) \d+ \d+ "/;
const S3_ACCESS = /^\S+ \S+ \[\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] \S+ \S+ \S+ (?:REST|SOAP|WEBSITE|BATCH|S3)\.\S+ \S+ "/;
const CLF = /^\S+ \S+ \S+ \[\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "[^"]*" \d{3} (?:\d+|-)/;
const SYSLOG = /^<\d{1,3}>(?:\d{1,2} \d{4}-|[A-Z][a-z]{2} +\d{1,2} \d{2}:)/;
const VPC_START = /^\d+ /;
const VPC_END = / (?:OK|NODATA|SKIPDATA)$/;
const VPC_ACTION = / (?:ACCEPT|REJECT|-) /;
const VPC_HEADER = /^(?:version|\$\{version\}) .*\b(?:srcaddr|interface-id|log-status|action)\b/;
const LOGFMT_PAIR = /(?:^|\s)[\w.-]+=(?:"(?:[^"\\]|\\.)*"|\S*)/g;
const LEVEL_TOKEN = /(?:^|[\s[\](|:<>,;'"])(?:ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|WARN|WARNING|INFO|DEBUG|TRACE|NOTICE)(?=$|[\s[\](|:<>,;'"])/i;

/**
 * Picks the format of an object from its first lines (up to 20 are looked at): each line votes,
 * the most voted specific format wins, and the object key only breaks ties (`elasticloadbalancing`,
 * `CloudTrail`, `vpcflowlogs`, `cloudfront`, `WAFLogs`…). A line that matches nothing votes
 * `unknown`; `unknown` only wins when nothing else was seen, and is parsed with generic level
 * detection, never an error. `cloudtrail` means a `{"Records":[…]}` document, which must go to
 * `cloudTrailRecords`; CloudTrail events one per line are plain `json` (the JSON parser knows
 * `errorCode` and failed console sign-ins).
 *
 * @example detectFormat(['{"level":"error","msg":"boom"}'], 'app/2024/01/02.log') // 'json'
 */
export function detectFormat(firstLines: readonly string[], key?: string): LogFormat {
  const votes = new Map<LogFormat, number>();
  let seen = 0;
  for (const raw of firstLines) {
    if (seen >= DETECT_LINES) break;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    // Continuation lines (frames, indented JSON) say nothing about the format of the records.
    if (/^(?:\s|Caused by:|\.\.\. \d|[}\]])/.test(line)) continue;
    seen++;
    // Only the head of a long line is looked at, which keeps every pattern cheap.
    const format = lineFormat(line.length > 4096 ? line.slice(0, 4096) : line, line);
    if (format === undefined) continue;
    votes.set(format, (votes.get(format) ?? 0) + (format === 'cloudfront' || format === 'vpc-flow' ? 2 : 1));
  }
  let best: LogFormat = 'unknown';
  let bestVotes = 0;
  const hint = keyHint(key);
  for (const [format, count] of votes) {
    // `text` and `unknown` lose to any structured format with a comparable share of the lines.
    const weight = format === 'unknown' ? count * 0.5 : format === 'text' ? count * 0.9 : count;
    if (weight > bestVotes || (weight === bestVotes && format === hint)) {
      best = format;
      bestVotes = weight;
    }
  }
  if (best === 'unknown' && hint !== undefined && seen === 0) return hint;
  // Plain text with some level tokens is text even when most lines carry none.
  if (best === 'unknown' && (votes.get('text') ?? 0) > 0) return 'text';
  return best;
}

/** The format a single line looks like; undefined when the line says nothing about it. */
function lineFormat(line: string, whole: string): LogFormat | undefined {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) {
    if (/^\{\s*"Records"\s*:\s*\[/.test(line)) return 'cloudtrail';
    // A JSON line is a whole object on one line; a bare `{` opens a body printed over many lines.
    if (/^\{\s*"/.test(line) && whole.trimEnd().endsWith('}')) {
      if (line.includes('"webaclId"') && line.includes('"action"')) return 'waf';
      return 'json';
    }
    return undefined;
  }
  if (c === 35 /* # */) {
    if (line.startsWith('#Fields:') && line.includes('x-edge-')) return 'cloudfront';
    if (line.startsWith('#Version:')) return 'cloudfront';
  }
  if (line.includes('\t') && /^\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\t/.test(line)) return 'cloudfront';
  if (c === 60 /* < */ && SYSLOG.test(line)) return 'syslog';
  if (ALB.test(line)) return 'alb';
  if (ELB.test(line)) return 'elb';
  if (S3_ACCESS.test(line)) return 's3-access';
  if (CLF.test(line)) return 'access';
  if (VPC_HEADER.test(line) || (VPC_START.test(line) && VPC_END.test(line) && VPC_ACTION.test(line))) return 'vpc-flow';
  const pairs = line.match(LOGFMT_PAIR);
  if (pairs && pairs.length >= 3 && /(?:^|\s)(?:level|lvl|severity|msg|ts|time)=/.test(line)) return 'logfmt';
  if (LEVEL_TOKEN.test(line.slice(0, 200))) return 'text';
  return 'unknown';
}

function keyHint(key: string | undefined): LogFormat | undefined {
  if (!key) return undefined;
  const k = key.toLowerCase();
  if (k.includes('cloudtrail')) return 'cloudtrail';
  if (k.includes('elasticloadbalancing')) return 'alb';
  if (k.includes('vpcflowlogs')) return 'vpc-flow';
  if (k.includes('waflogs') || k.includes('aws-waf-logs')) return 'waf';
  if (k.includes('cloudfront') || /\/e[a-z0-9]{8,14}\.\d{4}-\d{2}-\d{2}-\d{2}\./.test(k)) return 'cloudfront';
  if (k.endsWith('.ndjson') || k.endsWith('.jsonl') || k.includes('.json')) return 'json';
  if (k.includes('syslog') || k.includes('messages')) return 'syslog';
  return undefined;
}
