import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { LOCAL_AWS, uniqueName } from './localstackClients.js';

/**
 * A text log of `errors` ERROR records (templates `templates`, round robin) among INFO lines, one
 * line every `stepMs` from `start`; `seed` varies the numbers so no two objects are the same.
 */
export function hourLog(start: string, errors: number, templates: readonly string[], seed: number, stepMs = 1_000): string {
  const t0 = Date.parse(start);
  const lines: string[] = [];
  for (let i = 0; i < errors * 2; i++) {
    const ts = new Date(t0 + i * stepMs).toISOString();
    const n = seed * 1000 + i;
    lines.push(i % 2 === 0 ? `${ts} ERROR ${templates[(i / 2) % templates.length]!.replace('#', String(n))}` : `${ts} INFO  [http] GET /orders/${n} 200`);
  }
  return `${lines.join('\n')}\n`;
}

/** An EventBridge rule on the default bus for `Error groups changed` from `logsieve`, targeting a new SQS queue. */
export async function changeEventQueue(sqs: SQSClient, endpoint: string): Promise<{ queueUrl: string }> {
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('logsieve-changes') }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl!, AttributeNames: ['QueueArn'] }));
  const events = new EventBridgeClient({ ...LOCAL_AWS, endpoint });
  const rule = uniqueName('logsieve-changes-rule');
  try {
    await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ['logsieve'], 'detail-type': ['Error groups changed'] }), State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'queue', Arn: attrs.Attributes!.QueueArn }] }));
  } finally {
    events.destroy();
  }
  return { queueUrl: queueUrl! };
}
