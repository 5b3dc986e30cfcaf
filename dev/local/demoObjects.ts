import { gzipSync } from 'node:zlib';
import { prng } from './prng.js';

/** A small generated log object of a known AWS format, and what it holds. */
export interface DemoObject {
  key: string;
  /** What the file is, for the table. */
  kind: string;
  body: Uint8Array;
  /** Lines (CloudTrail: events) written. */
  lines: number;
  /** Error-level records the default rules should find. */
  expectedErrors: number;
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DAY = Date.UTC(2026, 10, 26, 8, 0, 0);

/**
 * Small logs in the formats AWS services write to S3, under the keys they use, with exact counts:
 * an ALB access log (gzip, 5xx responses and `error_reason`s), a CloudTrail `Records` document
 * (gzip, failed calls and a failed console sign-in), VPC flow logs with their header line (gzip,
 * REJECTs, which the default rules count but do not report), a Lambda JSON log (plain NDJSON,
 * ERROR lines with stack traces) and CloudWatch Logs subscription data as Firehose writes it (one
 * gzip member per envelope, a control message first; Lambda text lines, ERRORs with stack traces
 * inside one log event, timeouts). Each is a few hundred KB at most, built in memory.
 *
 * @example for (const o of demoObjects(42)) await put(o.key, o.body);
 */
export function demoObjects(seed: number): DemoObject[] {
  return [albLog(seed), cloudTrail(seed + 1), vpcFlowLog(seed + 2), lambdaJsonLog(seed + 3), cloudWatchLogsFirehose(seed + 4)];
}

function albLog(seed: number): DemoObject {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const lines: string[] = [];
  let errors = 0;
  for (let i = 0; i < 20_000; i++) {
    const t = new Date(DAY + i * 150).toISOString().replace('Z', '000Z');
    const roll = random();
    let status = 200;
    let reason = '-';
    if (roll < 0.01) [status, reason] = [502, 'LambdaInvalidResponse'];
    else if (roll < 0.025) status = 503;
    else if (roll < 0.08) status = 404;
    else if (roll < 0.1) status = 304;
    if (status >= 500) errors++;
    const target = status === 503 ? '-' : `10.1.0.${1 + int(20)}:8080`;
    const path = ['/items/', '/orders/', '/cart/', '/users/'][int(4)]! + String(int(100_000));
    lines.push(
      `https ${t} app/shop-alb/0a1b2c3d4e5f6789 203.0.113.${int(256)}:${40000 + int(20000)} ${target} 0.001 ${status === 503 ? -1 : (int(900) / 1000).toFixed(3)} 0.000 ${status} ${status === 503 ? '-' : status} ${int(900)} ${int(60000)} "GET https://shop.example.com:443${path} HTTP/1.1" "Mozilla/5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/shop/0123456789abcdef "Root=1-6745a000-${i.toString(16).padStart(24, '0')}" "shop.example.com" "-" 0 ${t} "forward" "-" "${reason}" "${target}" "${status}" "-" "-"`,
    );
  }
  return {
    key: `AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/2026/11/26/${ACCOUNT}_elasticloadbalancing_${REGION}_app.shop-alb.0a1b2c3d4e5f6789_20261126T0800Z_10.0.0.5_demo.log.gz`,
    kind: 'ALB access log',
    body: gzipSync(`${lines.join('\n')}\n`),
    lines: lines.length,
    expectedErrors: errors,
  };
}

function cloudTrail(seed: number): DemoObject {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const names = ['GetObject', 'PutObject', 'DescribeInstances', 'AssumeRole', 'ListBuckets', 'RunInstances'];
  const sources = ['s3.amazonaws.com', 's3.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 's3.amazonaws.com', 'ec2.amazonaws.com'];
  const records: unknown[] = [];
  let errors = 0;
  for (let i = 0; i < 2_000; i++) {
    const n = int(names.length);
    const base = {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/dev${int(5)}`, accountId: ACCOUNT },
      eventTime: new Date(DAY + i * 1_700).toISOString().replace(/\.\d+Z$/, 'Z'),
      eventSource: sources[n],
      eventName: names[n],
      awsRegion: REGION,
      sourceIPAddress: `198.51.100.${int(256)}`,
      requestParameters: {},
      responseElements: null,
      eventID: `${seed}-${i}`,
    };
    const roll = random();
    if (roll < 0.03) {
      errors++;
      records.push({ ...base, errorCode: 'AccessDenied', errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ${names[n]}` });
    } else if (roll < 0.04) {
      errors++;
      records.push({ ...base, errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized to perform this operation.' });
    } else if (roll < 0.045) {
      errors++;
      records.push({ ...base, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' });
    } else {
      records.push(base);
    }
  }
  return {
    key: `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/26/${ACCOUNT}_CloudTrail_${REGION}_20261126T0800Z_demo.json.gz`,
    kind: 'CloudTrail Records',
    body: gzipSync(JSON.stringify({ Records: records })),
    lines: records.length,
    expectedErrors: errors,
  };
}

function vpcFlowLog(seed: number): DemoObject {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const lines = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'];
  const start = Math.floor(DAY / 1000);
  for (let i = 0; i < 10_000; i++) {
    const action = random() < 0.05 ? 'REJECT' : 'ACCEPT';
    const t = start + i * 6;
    lines.push(`2 ${ACCOUNT} eni-0a1b2c3d4e5f6789${int(10)} 10.0.${int(4)}.${int(256)} 10.0.2.${int(256)} ${1024 + int(60000)} ${[443, 80, 22, 5432][int(4)]} 6 ${1 + int(40)} ${40 + int(90000)} ${t} ${t + 60} ${action} OK`);
  }
  return {
    key: `AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/11/26/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0123456789abcdef0_20261126T0800Z_demo.log.gz`,
    kind: 'VPC flow logs',
    body: gzipSync(`${lines.join('\n')}\n`),
    lines: lines.length,
    // REJECT is counted (classes.vpc-reject) but reported only when the rules opt in to it.
    expectedErrors: 0,
  };
}

function lambdaJsonLog(seed: number): DemoObject {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const lines: string[] = [];
  let errors = 0;
  for (let i = 0; i < 5_000; i++) {
    const requestId = `${(seed * 7919 + i).toString(16).padStart(8, '0')}-1111-4a2b-9c3d-0123456789ab`;
    const timestamp = new Date(DAY + i * 700).toISOString();
    const roll = random();
    if (roll < 0.02) {
      errors++;
      lines.push(
        JSON.stringify({
          timestamp,
          level: 'ERROR',
          requestId,
          message: 'Invoke Error',
          errorType: 'TypeError',
          errorMessage: "Cannot read properties of undefined (reading 'sku')",
          stackTrace: ["TypeError: Cannot read properties of undefined (reading 'sku')", `    at priceOf (/var/task/index.mjs:${10 + int(90)}:17)`, '    at Runtime.handler (/var/task/index.mjs:42:11)'],
        }),
      );
    } else if (roll < 0.08) {
      lines.push(JSON.stringify({ timestamp, level: 'WARN', requestId, message: `inventory cache miss for sku ${int(9999)}` }));
    } else {
      lines.push(JSON.stringify({ timestamp, level: 'INFO', requestId, message: `priced cart with ${1 + int(9)} items in ${int(300)} ms` }));
    }
  }
  return {
    key: 'lambda/orders-pricing/2026/11/26/orders-pricing-demo.jsonl',
    kind: 'Lambda JSON log',
    body: Buffer.from(`${lines.join('\n')}\n`),
    lines: lines.length,
    expectedErrors: errors,
  };
}

function cloudWatchLogsFirehose(seed: number): DemoObject {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const members: Buffer[] = [
    gzipSync(JSON.stringify({
      messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: DAY, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    })),
  ];
  let events = 0;
  let errors = 0;
  for (let e = 0; e < 400; e++) {
    const requestId = `${(seed * 7919 + e).toString(16).padStart(8, '0')}-2222-4a2b-9c3d-0123456789ab`;
    const start = DAY + e * 9_000;
    const at = (ms: number): string => new Date(start + ms).toISOString();
    const messages = [`START RequestId: ${requestId} Version: $LATEST\n`];
    const steps = 2 + int(6);
    for (let i = 0; i < steps; i++) messages.push(`${at(i * 3)}\t${requestId}\tINFO\treserved ${1 + int(5)} items of sku ${int(9999)}\n`);
    const roll = random();
    if (roll < 0.06) {
      errors++;
      messages.push(
        `${at(40)}\t${requestId}\tERROR\tError: stock service returned 503 for sku ${int(9999)}\n` +
          `    at reserve (/var/task/stock.mjs:${20 + int(40)}:13)\n    at async Runtime.handler (/var/task/index.mjs:31:5)\n`,
      );
    } else if (roll < 0.08) {
      errors++;
      messages.push(`${at(3000)} ${requestId} Task timed out after 3.00 seconds\n`);
    } else if (roll < 0.15) {
      messages.push(`${at(30)}\t${requestId}\tWARN\tslow stock lookup: ${200 + int(800)} ms\n`);
    }
    messages.push(`END RequestId: ${requestId}\n`, `REPORT RequestId: ${requestId}\tDuration: ${(10 + random() * 90).toFixed(2)} ms\tBilled Duration: 100 ms\tMemory Size: 256 MB\tMax Memory Used: ${60 + int(40)} MB\t\n`);
    events += messages.length;
    members.push(gzipSync(JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: ACCOUNT,
      logGroup: `/aws/lambda/${['stock-reserve', 'stock-release'][e % 2]}`,
      logStream: `2026/11/26/[$LATEST]${(seed * 31 + (e % 5)).toString(16).padStart(32, '0')}`,
      subscriptionFilters: ['to-firehose'],
      logEvents: messages.map((message, i) => ({ id: `${start}${String(i).padStart(3, '0')}`.padStart(56, '3'), timestamp: start + i, message })),
    })));
  }
  return {
    key: 'cwl/2026/11/26/08/lambda-logs-to-s3-1-2026-11-26-08-00-00-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    kind: 'CloudWatch Logs via Firehose',
    body: Buffer.concat(members),
    lines: events,
    expectedErrors: errors,
  };
}
