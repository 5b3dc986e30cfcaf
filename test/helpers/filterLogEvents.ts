import { CloudWatchLogsClient, FilterLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { LOCAL_AWS } from '../../dev/local/localClients.js';

/** One CloudWatch Logs event as FilterLogEvents returns it. */
export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
}

/**
 * Every event of a log group in LocalStack's CloudWatch Logs (FilterLogEvents, all pages, at most
 * `maxPages` of 10 000 events), newest last; [] when the group does not exist yet.
 *
 * @example const events = await filterLogEvents(endpoint, '/aws/lambda/my-fn');
 */
export async function filterLogEvents(endpoint: string, logGroupName: string, maxPages = 10): Promise<LogEvent[]> {
  const logs = new CloudWatchLogsClient({ ...LOCAL_AWS, endpoint });
  const events: LogEvent[] = [];
  try {
    let nextToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
      for (const e of res.events ?? []) events.push({ logStreamName: e.logStreamName ?? '', timestamp: e.timestamp ?? 0, message: e.message ?? '' });
      if (!res.nextToken || res.nextToken === nextToken) break;
      nextToken = res.nextToken;
    }
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return [];
    throw err;
  } finally {
    logs.destroy();
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
