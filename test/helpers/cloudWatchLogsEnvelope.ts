/** Builders of CloudWatch Logs subscription data, as a subscription filter delivers it to Firehose. */

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
