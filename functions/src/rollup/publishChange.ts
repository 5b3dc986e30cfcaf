import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { RollupError } from './errors.js';
import type { PublishChange } from './runRollups.js';

/** EventBridge accepted the PutEvents call but refused its entry: the entry's error code and message. */
export class EventsCallError extends RollupError {
  override name = 'EventsCallError';
  constructor(
    readonly action: string,
    readonly errorCode: string,
    message: string,
  ) {
    super(`EventBridge ${action} refused the entry (${errorCode}): ${message}`);
  }
}

/**
 * Binds `runRollups`' events to EventBridge PutEvents on `eventBusName` (default bus when
 * undefined); an entry EventBridge refuses fails the call with its error code. A failed call
 * (throttling, network) throws the SDK's own error after its retries.
 *
 * @example const publish = publishChange(new EventBridgeClient({}), process.env.LOGSIEVE_EVENT_BUS);
 */
export function publishChange(events: EventBridgeClient, eventBusName?: string): PublishChange {
  return async (event) => {
    const res = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail), ...(eventBusName ? { EventBusName: eventBusName } : {}) }],
      }),
    );
    if (res.FailedEntryCount) {
      const entry = res.Entries?.find((e) => e.ErrorCode);
      throw new EventsCallError('PutEvents', entry?.ErrorCode ?? 'FailedEntry', entry?.ErrorMessage ?? 'entry refused');
    }
  };
}
