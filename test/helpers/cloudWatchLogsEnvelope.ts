/** Builders of CloudWatch Logs subscription data, as a subscription filter delivers it to Firehose. */
import { gzipSync } from 'node:zlib';

/** One log event to put in an envelope: its message, or the message with an explicit id/timestamp. */
export type LogEventInput = string | { message: unknown; id?: string; timestamp?: number };

/** What an envelope says besides its events. */
export interface EnvelopeOptions {
  messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner?: string;
  logGroup?: string;
  logStream?: string;
  /** `aws`: metadata keys first, as CloudWatch Logs writes them; `events-first`: `logEvents` before them. */
  keyOrder?: 'aws' | 'events-first';
  /** Timestamp of the first event (epoch ms); the next ones follow 1 s apart. */
  startMs?: number;
  /** Number given to the first event's id, so that ids stay unique across envelopes. */
  firstId?: number;
}

/** Default start of the events: 2026-11-26T12:00:00.000Z. */
export const ENVELOPE_START_MS = Date.UTC(2026, 10, 26, 12, 0, 0);

/**
 * An envelope object `{messageType, owner, logGroup, logStream, subscriptionFilters, logEvents}`
 * holding the given events. Event ids are 56-digit strings like CloudWatch Logs', numbered from
 * `firstId`.
 */
export function cloudWatchLogsEnvelope(events: readonly LogEventInput[], options: EnvelopeOptions = {}): Record<string, unknown> {
  const start = options.startMs ?? ENVELOPE_START_MS;
  const firstId = options.firstId ?? 0;
  const logEvents = events.map((event, i) => {
    const e = typeof event === 'string' ? { message: event } : event;
    return {
      id: e.id ?? eventId(firstId + i),
      timestamp: e.timestamp ?? start + i * 1000,
      message: e.message,
    };
  });
  const meta = {
    messageType: options.messageType ?? 'DATA_MESSAGE',
    owner: options.owner ?? '123456789012',
    logGroup: options.logGroup ?? '/aws/lambda/orders',
    logStream: options.logStream ?? '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    subscriptionFilters: ['to-firehose'],
  };
  return options.keyOrder === 'events-first' ? { logEvents, ...meta } : { ...meta, logEvents };
}

/** The control message CloudWatch Logs sends to check that the destination is reachable. */
export function controlMessage(): Record<string, unknown> {
  return cloudWatchLogsEnvelope(['CWL CONTROL MESSAGE: Checking health of destination Firehose.'], {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
  });
}

/** A 56-digit event id ending in `n`. */
export function eventId(n: number): string {
  return `3195310660696698337880902507980421114328961542429822${String(n).padStart(4, '0')}`;
}

/** A line of the Lambda text log format: `<ISO time>\t<request id>\t<LEVEL>\t<message>\n`. */
export function lambdaTextLine(ms: number, requestId: string, level: string, message: string): string {
  return `${new Date(ms).toISOString()}\t${requestId}\t${level}\t${message}\n`;
}

/** A Firehose-delivered object of Lambda log envelopes, and what it holds, so tests can assert exact counts. */
export interface SubscriptionObject {
  /** The envelopes, each gzipped on its own and concatenated (multi-member gzip), a control message first. */
  body: Buffer;
  /** Data envelopes (the control message not included). */
  envelopes: number;
  logEvents: number;
  /** Log events at ERROR level: each is one error record. */
  errorEvents: number;
  /** Stack frame lines inside those error events (they join their record). */
  stackLines: number;
  /** Log groups used, by envelope number modulo their count. */
  logGroups: readonly string[];
}

/**
 * Deterministic CloudWatch Logs subscription data of Lambda functions in the text log format:
 * `envelopes` envelopes (log groups in turn, one request per envelope: START, INFO lines, an ERROR,
 * every third envelope an ERROR with a Node stack trace as one event, END, REPORT).
 */
export function lambdaSubscriptionObject(envelopes: number, infoLines = 12): SubscriptionObject {
  const logGroups = ['/aws/lambda/orders', '/aws/lambda/payments', '/aws/lambda/stock'];
  const members: Buffer[] = [gzipSync(JSON.stringify(controlMessage()))];
  let logEvents = 0;
  let errorEvents = 0;
  let stackLines = 0;
  for (let e = 0; e < envelopes; e++) {
    const req = `0f6a9c1e-0b1d-4e8e-9a51-${String(e).padStart(12, '0')}`;
    const ms = ENVELOPE_START_MS + e * 250;
    const messages = [`START RequestId: ${req} Version: $LATEST\n`];
    for (let i = 0; i < infoLines; i++) messages.push(lambdaTextLine(ms + i, req, 'INFO', `order ${e * 100 + i} step ${i} ok`));
    messages.push(lambdaTextLine(ms + infoLines, req, 'ERROR', `payment failed for order ${e * 100}: upstream returned 502`));
    errorEvents++;
    if (e % 3 === 0) {
      const frames = ['    at charge (/var/task/pay.mjs:41:11)', '    at async Runtime.handler (/var/task/index.mjs:12:5)'];
      messages.push(lambdaTextLine(ms + infoLines + 1, req, 'ERROR', `TypeError: Cannot read properties of undefined (reading 'id')\n${frames.join('\n')}`));
      errorEvents++;
      stackLines += frames.length;
    }
    messages.push(`END RequestId: ${req}\n`, `REPORT RequestId: ${req}\tDuration: 12.30 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n`);
    logEvents += messages.length;
    const envelope = cloudWatchLogsEnvelope(messages, {
      logGroup: logGroups[e % logGroups.length]!,
      logStream: `2026/11/26/[$LATEST]${String(e % 7).padStart(32, '0')}`,
      startMs: ms,
      firstId: e * 100,
    });
    members.push(gzipSync(JSON.stringify(envelope)));
  }
  return { body: Buffer.concat(members), envelopes, logEvents, errorEvents, stackLines, logGroups };
}
