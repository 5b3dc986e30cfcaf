import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startLocalStack } from '../localstack/harness.js';
import { LOCAL_AWS, localClients } from '../local/localClients.js';
import { createNotificationPipe, receiveNotifications } from '../local/notificationPipe.js';
import { uniqueName } from '../local/uniqueName.js';

/**
 * The walking-skeleton demo: LocalStack through the harness, an input bucket wired to a queue,
 * a generated gzip log uploaded, the real Lambda handler invoked with the real notification, and
 * the summary printed.
 */
export async function demo(opts: { lines: number; keep: boolean }): Promise<void> {
  const say = (line: string): void => void process.stderr.write(`[demo] ${line}\n`);
  const localstack = await startLocalStack();
  say(`LocalStack: ${localstack.description}`);
  try {
    const { s3, sqs } = localClients(localstack.endpoint);
    const outputBucket = uniqueName('logsieve-demo-out');
    await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
    const pipe = await createNotificationPipe(s3, sqs);
    say(`input bucket ${pipe.bucket} → queue ${pipe.queueUrl}; output bucket ${outputBucket}`);

    const key = `app/${new Date().toISOString().slice(0, 10)}/orders-service.log.gz`;
    const expected = { lines: 0, errors: 0 };
    const body = Readable.from(demoLines(opts.lines, expected)).pipe(createGzip({ level: 6 }));
    const started = Date.now();
    await new Upload({ client: s3, params: { Bucket: pipe.bucket, Key: key, Body: body } }).done();
    say(`uploaded s3://${pipe.bucket}/${key}: ${expected.lines} lines, ${expected.errors} with ERROR, in ${Date.now() - started} ms`);

    Object.assign(process.env, {
      AWS_ENDPOINT_URL: localstack.endpoint,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      LOGSIEVE_OUTPUT_BUCKET: outputBucket,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const { handler } = await import('../../functions/handlers/processLog.js');
    const event = await receiveNotifications(sqs, pipe, 1);
    say(`received the S3 notification from the queue; invoking the handler`);
    const response = await handler(event, { awsRequestId: 'demo', functionName: 'logsieve-demo' } as never);
    say(`handler response: ${JSON.stringify(response)}`);

    const summaryKey = `logsieve/summaries/${key}.json`;
    const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: summaryKey }));
    const summary = await res.Body!.transformToString();
    process.stdout.write(`${summary}\n`);
    say(`summary: s3://${outputBucket}/${summaryKey}`);
    if (opts.keep) say(`LocalStack keeps running: ${localstack.description}. Reuse it with LOCALSTACK_ENDPOINT=${localstack.endpoint}`);
  } finally {
    if (!opts.keep) await localstack.stop();
  }
}

/** Generates a plain-text service log, counting what it writes. */
async function* demoLines(count: number, counts: { lines: number; errors: number }): AsyncGenerator<string> {
  const start = Date.now() - count * 10;
  let chunk = '';
  for (let i = 1; i <= count; i++) {
    const ts = new Date(start + i * 10).toISOString();
    let line: string;
    if (i % 53 === 0) {
      counts.errors++;
      line = `${ts} ERROR [orders] payment ${i} failed: upstream 502 after ${i % 900} ms`;
    } else if (i % 17 === 0) {
      line = `${ts} WARN  [orders] retrying request ${i}`;
    } else {
      line = `${ts} INFO  [http] GET /api/orders/${i} 200 ${i % 250} ms`;
    }
    counts.lines++;
    chunk += `${line}\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
