import type { EventsClient } from './createEventsClient.js';
import { EventsCallError } from './createEventsClient.js';
import type { PublishChange } from './runRollups.js';

/**
 * Binds `runRollups`' events to EventBridge PutEvents on `eventBusName` (default bus when
 * undefined); an entry EventBridge refuses fails the call with its error code.
 *
 * @example const publish = publishChange(createEventsClient(process.env), process.env.LOGSIEVE_EVENT_BUS);
 */
export function publishChange(events: EventsClient, eventBusName?: string): PublishChange {
  return async (event) => {
    const res = await events.call<{ FailedEntryCount?: number; Entries?: Array<{ ErrorCode?: string; ErrorMessage?: string }> }>('PutEvents', {
      Entries: [{ Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail), ...(eventBusName ? { EventBusName: eventBusName } : {}) }],
    });
    if (res.FailedEntryCount) {
      const entry = res.Entries?.find((e) => e.ErrorCode);
      throw new EventsCallError('PutEvents', 200, entry?.ErrorCode ?? 'FailedEntry', entry?.ErrorMessage ?? 'entry refused');
    }
  };
}
