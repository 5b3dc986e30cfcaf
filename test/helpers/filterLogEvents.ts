import { LOCAL_AWS } from '../../dev/local/localClients.js';

/** One CloudWatch Logs event as FilterLogEvents returns it. */
export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
}

/**
 * Every event of a log group in LocalStack's CloudWatch Logs (FilterLogEvents, all pages, at most
 * `maxPages` of 10 000 events), newest last; [] when the group does not exist yet. The project has
 * no CloudWatch Logs SDK client, so this speaks the service's JSON protocol directly.
 *
 * @example const events = await filterLogEvents(endpoint, '/aws/lambda/my-fn');
 */
export async function filterLogEvents(endpoint: string, logGroupName: string, maxPages = 10): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'Logs_20140328.FilterLogEvents',
        // LocalStack reads the account and region from the credential scope; it checks no signature.
        Authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_AWS.credentials.accessKeyId}/20260101/${LOCAL_AWS.region}/logs/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({ logGroupName, nextToken }),
    });
    const body = (await res.json()) as { events?: LogEvent[]; nextToken?: string; __type?: string; message?: string };
    if (!res.ok) {
      if (body.__type?.includes('ResourceNotFoundException')) return [];
      throw new Error(`FilterLogEvents ${logGroupName}: ${res.status} ${body.__type ?? ''} ${body.message ?? ''}`);
    }
    events.push(...(body.events ?? []));
    if (!body.nextToken || body.nextToken === nextToken) break;
    nextToken = body.nextToken;
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
