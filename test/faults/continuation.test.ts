import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContinuationSender } from '../../functions/src/pipeline/createContinuationSender.js';
import type { HandlerDeps } from '../../functions/src/pipeline/handleEvent.js';
import { handleEvent, LEASE_GRACE_MS } from '../../functions/src/pipeline/handleEvent.js';
import type { Checkpoint, Summary } from '../../functions/src/pipeline/types.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import type { FaultProxy } from '../helpers/faultProxy.js';
import { startFaultProxy } from '../helpers/faultProxy.js';
import { LOCAL_AWS } from '../helpers/localstackClients.js';
import type { FaultRow } from './support/faultTable.js';
import type { PipelineRig } from './support/pipelineRig.js';
import { createPipelineRig, OUT } from './support/pipelineRig.js';

// Continuation past the deadline (issue 16): the in-process handler on real S3 notifications and a
// real SQS queue in LocalStack, with a Lambda context whose time left is a fraction of what one pass
// over the object takes, so that an object needs several invocations. The continuation messages go
// to the same queue as the notifications (as the construct sets it up); the test plays the event
// source mapping: it receives one message at a time and hands it to the handler.
let rig: PipelineRig;
let pipe: NotificationPipe;
let proxy: FaultProxy;

/** Time kept back from the "timeout": the setting LOGSIEVE_DEADLINE_MARGIN_MS. */
const MARGIN_MS = 100;

beforeAll(async () => {
  rig = await createPipelineRig();
  pipe = await createNotificationPipe(rig.s3, rig.sqs);
  proxy = await startFaultProxy(rig.endpoint);
});

afterAll(async () => {
  await proxy?.close();
});

function record(task: { meta: { fault?: FaultRow } }, row: FaultRow): void {
  task.meta.fault = row;
}

/**
 * An app log with multi-line events: every 29th line an ERROR with a three-line stack trace, WARN
 * lines, INFO lines; about 95 bytes a line. Deterministic.
 */
function stackTraceLog(events: number, seed = 0): { text: string; errorEvents: number } {
  const lines: string[] = [];
  let errorEvents = 0;
  const start = Date.UTC(2026, 10, 26, 8, 0, 0) + seed * 3_600_000;
  for (let i = 1; i <= events; i++) {
    const ts = new Date(start + i * 11).toISOString();
    if (i % 29 === 0) {
      errorEvents++;
      lines.push(`${ts} ERROR [billing] invoice ${seed}-${i} failed: connection reset by peer after ${i % 700} ms`);
      lines.push(`    at Billing.charge (billing.js:${i % 300}:17)`, '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)', `    at async Worker.run (worker.js:${i % 40}:9)`);
    } else if (i % 13 === 0) {
      lines.push(`${ts} WARN  [billing] slow response from ledger: ${i % 2000} ms (request ${i})`);
    } else {
      lines.push(`${ts} INFO  [http] POST /api/v2/invoices/${i} 201 ${i % 180} ms tenant=t${i % 211}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, errorEvents };
}

/** A Lambda context with `remainingMs` left from now. */
function lambdaContext(remainingMs: number): Context {
  const end = Date.now() + remainingMs;
  return {
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:logsieve-faults',
    awsRequestId: randomUUID(),
    functionName: 'logsieve-faults',
  } as unknown as Context;
}

/** Handler deps writing under `prefix`, whose continuations go to the pipe's queue; `endpoint` for a fault proxy. */
function depsFor(prefix: string, endpoint?: string): HandlerDeps {
  const deps = rig.deps({ env: { LOGSIEVE_OUTPUT_PREFIX: prefix, LOGSIEVE_DEADLINE_MARGIN_MS: String(MARGIN_MS) }, ...(endpoint ? { endpoint } : {}) });
  return { ...deps, sendContinuation: createContinuationSender({ queueUrl: pipe.queueUrl, clientConfig: { ...LOCAL_AWS, endpoint: rig.endpoint } }) };
}

async function upload(key: string, body: Buffer): Promise<SQSEvent> {
  await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
  return receiveNotifications(rig.sqs, pipe, 1);
}

async function getJson<T>(key: string): Promise<T | undefined> {
  try {
    const res = await rig.s3.send(new GetObjectCommand({ Bucket: rig.outputBucket, Key: key }));
    return JSON.parse(await res.Body!.transformToString()) as T;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

const summaryOf = (prefix: string, key: string): Promise<Summary | undefined> => getJson<Summary>(`${prefix}summaries/${key}.json`);
const checkpointOf = (prefix: string, key: string): Promise<Checkpoint | undefined> => getJson<Checkpoint>(`${prefix}checkpoints/${key}.json`);

/** Every record line of the parts a summary lists, in order. */
async function recordLines(summary: Summary): Promise<string[]> {
  const out: string[] = [];
  for (const part of summary.outputs.errorParts) {
    const res = await rig.s3.send(new GetObjectCommand({ Bucket: rig.outputBucket, Key: part.key }));
    const text = gunzipSync(await res.Body!.transformToByteArray()).toString('utf8');
    out.push(...text.split('\n').filter((l) => l !== ''));
  }
  return out;
}

/** Keys under `<prefix>errors/<key>/`. */
async function partKeys(prefix: string, key: string): Promise<string[]> {
  const listed = await rig.s3.send(new ListObjectsV2Command({ Bucket: rig.outputBucket, Prefix: `${prefix}errors/${key}/` }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

/** The summary without what may differ between one pass and several: the processing block and the part list. */
function comparable(summary: Summary): unknown {
  const { processing: _p, outputs: _o, ...rest } = summary;
  return rest;
}

/** A single pass (no context: no deadline) under its own prefix: the reference, and how long it took. */
async function singlePass(key: string, event: SQSEvent): Promise<{ summary: Summary; records: string[]; wallMs: number }> {
  const prefix = `ref-${randomUUID().slice(0, 8)}/`;
  const started = performance.now();
  const response = (await handleEvent(depsFor(prefix), event)) as SQSBatchResponse;
  const wallMs = performance.now() - started;
  expect(response).toEqual({ batchItemFailures: [] });
  const summary = (await summaryOf(prefix, key))!;
  expect(summary.status).toBe('complete');
  return { summary, records: await recordLines(summary), wallMs };
}

/** Time left per invocation: a sixth of a single pass (it includes each invocation's own requests), at least 100 ms, plus the margin. */
const budgetOf = (wallMs: number, share = 6, floorMs = 100): number => Math.max(floorMs, Math.round(wallMs / share)) + MARGIN_MS;

/**
 * Runs `attempt` with the budget of `share` of the single pass, then with half and a quarter of it
 * (and of the 100 ms floor, which a fast machine reaches first: a pass of 250 ms over invocations of
 * 100 ms is 3 of them) while the attempt says its setup did not happen (undefined: the object was
 * finished too soon, as when the single pass it was timed from ran on a busier machine than the
 * invocations after it). Every invocation reads at least one line, so each makes progress.
 * The assertions are the test's; only the stop's timing is tuned, never what is checked.
 */
async function withShrinkingBudget<T>(wallMs: number, share: number, attempt: (remainingMs: number) => Promise<T | undefined>): Promise<{ result: T; remainingMs: number }> {
  for (const factor of [1, 2, 4]) {
    const remainingMs = budgetOf(wallMs, share * factor, 100 / factor);
    const result = await attempt(remainingMs);
    if (result !== undefined) return { result, remainingMs };
  }
  throw new Error(`the object was finished before the case's setup with ${share}, ${share * 2} and ${share * 4} invocations a pass (floors 100, 50, 25 ms)`);
}

/**
 * The first invocation of `event` (with `deps`), then its continuation message handed to `second`:
 * that message, the second's response and the checkpoint after it; undefined when the object was
 * finished in one invocation or two (the budget was too long for the case's setup).
 */
async function twoInvocations(
  deps: HandlerDeps,
  second: HandlerDeps,
  prefix: string,
  key: string,
  event: SQSEvent,
  budget: number,
): Promise<{ continuation: SQSEvent; response: SQSBatchResponse; checkpoint: Checkpoint } | undefined> {
  expect(await handleEvent(deps, event, lambdaContext(budget))).toEqual({ batchItemFailures: [] });
  if ((await checkpointOf(prefix, key)) === undefined) return undefined;
  const continuation = await receiveNotifications(rig.sqs, pipe, 1);
  const response = (await handleEvent(second, continuation, lambdaContext(budget))) as SQSBatchResponse;
  const checkpoint = await checkpointOf(prefix, key);
  return checkpoint ? { continuation, response, checkpoint } : undefined;
}

/**
 * Plays the event source mapping: hands `event` to the handler with `remainingMs` left, then the
 * next message from the queue, until the summary of `key` exists. `between` sees each message after
 * the first and may return the events to deliver instead (none: it delivered them itself). `runs`
 * counts the deliveries made here.
 */
async function drive(
  deps: HandlerDeps,
  prefix: string,
  key: string,
  event: SQSEvent,
  remainingMs: number,
  between?: (run: number, next: SQSEvent) => Promise<SQSEvent[] | undefined>,
): Promise<{ runs: number; responses: SQSBatchResponse[] }> {
  const responses: SQSBatchResponse[] = [];
  let pending: SQSEvent[] = [event];
  let run = 0;
  while (run < 80) {
    if (pending.length === 0) {
      if ((await summaryOf(prefix, key)) !== undefined) return { runs: run, responses };
      const message = await receiveNotifications(rig.sqs, pipe, 1);
      pending = (await between?.(run, message)) ?? [message];
      continue;
    }
    run++;
    responses.push((await handleEvent(deps, pending.shift()!, lambdaContext(remainingMs))) as SQSBatchResponse);
  }
  throw new Error(`s3://${pipe.bucket}/${key} not finished after 80 invocations`);
}

const metricSum = (name: string, since: number): number => rig.metrics.slice(since).filter((m) => m.name === name).reduce((n, m) => n + m.value, 0);

/** Runs `key` (from `body`) over invocations of `remainingMs` (default: a quarter of a single pass) and checks it against the single pass. */
async function continuedRun(task: { meta: { fault?: FaultRow } }, label: string, key: string, body: Buffer, share = 6): Promise<void> {
  const event = await upload(key, body);
  const reference = await singlePass(key, event);
  // At least 3 invocations is part of what is checked: a pass that finishes in fewer runs again with less time each.
  const { result: attempt, remainingMs } = await withShrinkingBudget(reference.wallMs, share, async (budget) => {
    const prefix = `${OUT}${randomUUID().slice(0, 8)}/`;
    const metricsFrom = rig.metrics.length;
    const { runs, responses } = await drive(depsFor(prefix), prefix, key, event, budget);
    const summary = (await summaryOf(prefix, key))!;
    return summary.processing.invocations >= 3 ? { prefix, metricsFrom, runs, responses, summary } : undefined;
  });
  const { prefix, metricsFrom, runs, responses, summary } = attempt;
  const records = await recordLines(summary);
  const same = records.length === reference.records.length && records.every((r, i) => r === reference.records[i]);
  record(task, {
    case: `continuation: ${label}, ${(body.length / 1e6).toFixed(1)} MB, ${remainingMs} ms per invocation (one pass: ${Math.round(reference.wallMs)} ms)`,
    expected: `complete over ≥ 3 invocations; ${reference.records.length} records, identical to one pass; no checkpoint left`,
    observed: `${summary.status} over ${summary.processing.invocations} invocations (${runs} handler runs, ${summary.outputs.errorParts.length} parts); ${records.length} records, ${same ? 'identical' : 'DIFFERENT'}`,
    lost: reference.records.filter((r) => !records.includes(r)).length,
  });
  expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
  expect(summary.processing.invocations).toBeGreaterThanOrEqual(3);
  expect(summary.processing.invocations).toBe(runs);
  expect(records).toEqual(reference.records);
  expect(comparable(summary)).toEqual(comparable(reference.summary));
  expect(await partKeys(prefix, key)).toEqual(summary.outputs.errorParts.map((p) => p.key).sort());
  expect(await checkpointOf(prefix, key)).toBeUndefined();
  expect(metricSum('Continuations', metricsFrom)).toBe(runs - 1);
}

describe('continuation past the deadline', () => {
  it('a plain object completes over ≥ 3 invocations, its records and summary those of a single pass', async ({ task }) => {
    await continuedRun(task, 'plain object', 'continuation/plain.log', Buffer.from(stackTraceLog(240_000).text));
  });

  // A quarter of a pass: each invocation re-inflates from byte 0 first, so later ones get less far.
  it('a single-member gzip object completes over ≥ 3 invocations, its records and summary those of a single pass', async ({ task }) => {
    await continuedRun(task, 'single-member gzip object', 'continuation/single.log.gz', gzipSync(stackTraceLog(240_000, 1).text), 4);
  });
});

describe('continuation faults', () => {
  it('a duplicate continuation message (twice at once, and once late) writes no duplicate part', async ({ task }) => {
    const key = 'continuation/duplicate.log';
    const event = await upload(key, Buffer.from(stackTraceLog(160_000, 2).text));
    const reference = await singlePass(key, event);
    const { result: attempt, remainingMs } = await withShrinkingBudget(reference.wallMs, 6, async (budget) => {
      const prefix = `${OUT}${randomUUID().slice(0, 8)}/`;
      const deps = depsFor(prefix);
      const metricsFrom = rig.metrics.length;
      let first: SQSEvent | undefined;
      let raced: SQSBatchResponse[] = [];
      const { runs } = await drive(deps, prefix, key, event, budget, async (_run, next) => {
        if (first) return undefined;
        // The first continuation, delivered twice at once: one takes the checkpoint, the other is skipped.
        first = next;
        raced = (await Promise.all([handleEvent(deps, next, lambdaContext(budget)), handleEvent(deps, next, lambdaContext(budget))])) as SQSBatchResponse[];
        return [];
      });
      return first ? { prefix, deps, metricsFrom, first, raced, runs } : undefined; // undefined: finished in one invocation
    });
    const { prefix, deps, metricsFrom, first, raced, runs } = attempt;
    const partsBefore = await partKeys(prefix, key);
    // Once more after the object is finished: no checkpoint, nothing written.
    const late = (await handleEvent(deps, first, lambdaContext(remainingMs))) as SQSBatchResponse;
    const summary = (await summaryOf(prefix, key))!;
    const records = await recordLines(summary);
    const skipped = metricSum('ContinuationsSkipped', metricsFrom);
    record(task, {
      case: 'continuation: the same continuation message delivered twice at once, and again after the end',
      expected: `one of the pair skipped, the late one skipped; ${reference.records.length} records, no part twice`,
      observed: `${skipped} skipped; ${summary.status} over ${summary.processing.invocations} invocations; ${records.length} records; parts listed ${summary.outputs.errorParts.length}, stored ${partsBefore.length}`,
      lost: reference.records.filter((r) => !records.includes(r)).length,
    });
    expect(raced).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(late).toEqual({ batchItemFailures: [] });
    expect(skipped).toBe(2);
    expect(rig.logs.some((l) => JSON.stringify(l).includes('duplicate continuation'))).toBe(false); // skips are INFO, not WARN/ERROR
    expect(records).toEqual(reference.records);
    expect(comparable(summary)).toEqual(comparable(reference.summary));
    expect(partsBefore).toEqual(summary.outputs.errorParts.map((p) => p.key).sort());
    expect(await partKeys(prefix, key)).toEqual(partsBefore);
    // The pair's winner is one invocation of the object; the skipped deliveries are none.
    expect(summary.processing.invocations).toBe(runs + 1);
  });

  it('an object replaced between invocations restarts from byte 0 and deletes the first attempt’s parts', async ({ task }) => {
    const key = 'continuation/replaced.log';
    const first = stackTraceLog(200_000, 3);
    const event = await upload(key, Buffer.from(first.text));
    const reference1 = await singlePass(key, event);
    // The replacement is small: one invocation reads it whole, so its summary lists one part.
    const second = stackTraceLog(5_000, 4);
    // An eighth of a pass (or less), so that the first version is surely not finished after two invocations.
    const { result: attempt, remainingMs } = await withShrinkingBudget(reference1.wallMs, 8, async (budget) => {
      const prefix = `${OUT}${randomUUID().slice(0, 8)}/`;
      const deps = depsFor(prefix);
      let partsOfFirst: string[] = [];
      let notificationOfSecond: SQSEvent | undefined;
      const { runs } = await drive(deps, prefix, key, event, budget, async (_run, next) => {
        if (notificationOfSecond) return undefined;
        partsOfFirst = await partKeys(prefix, key);
        if (partsOfFirst.length < 3) return undefined;
        notificationOfSecond = await upload(key, Buffer.from(second.text));
        return [next];
      });
      return notificationOfSecond ? { prefix, deps, partsOfFirst, notificationOfSecond, runs } : undefined;
    });
    const { prefix, deps, partsOfFirst, notificationOfSecond, runs } = attempt;
    const summary = (await summaryOf(prefix, key))!;
    const reference2 = await singlePass(key, notificationOfSecond);
    const records = await recordLines(summary);
    // The second version's own notification comes after: its complete summary is found, it is skipped.
    const lateNotification = (await handleEvent(deps, notificationOfSecond, lambdaContext(remainingMs))) as SQSBatchResponse;
    record(task, {
      case: 'continuation: the object replaced once its first attempt has written 3 parts',
      expected: `restart from byte 0 on the new ETag; ${reference2.records.length} records of the new version; the old parts gone`,
      observed: `${summary.status}, etag ${summary.source.etag === reference2.summary.source.etag ? 'new' : 'OLD'}; ${records.length} records; parts before ${partsOfFirst.length}, after ${(await partKeys(prefix, key)).length}`,
      lost: reference2.records.filter((r) => !records.includes(r)).length,
    });
    expect(partsOfFirst.length).toBeGreaterThanOrEqual(3);
    expect(summary.source.etag).toBe(reference2.summary.source.etag);
    expect(summary.source.etag).not.toBe(reference1.summary.source.etag);
    expect(records).toEqual(reference2.records);
    expect(comparable(summary)).toEqual(comparable(reference2.summary));
    expect(await partKeys(prefix, key)).toEqual(summary.outputs.errorParts.map((p) => p.key).sort());
    // The first attempt's parts beyond what the new version wrote are gone (its keys are numbered from 0 again).
    expect(summary.outputs.errorParts.length).toBeLessThan(partsOfFirst.length);
    expect(await checkpointOf(prefix, key)).toBeUndefined();
    expect(lateNotification).toEqual({ batchItemFailures: [] });
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('a kill between writing a part and saving the checkpoint loses nothing and duplicates nothing', async ({ task }) => {
    const key = 'continuation/killed.log';
    const event = await upload(key, Buffer.from(stackTraceLog(160_000, 5).text));
    const reference = await singlePass(key, event);
    // A third of a pass (or less): each of the first two invocations surely gets far enough to write a part, even on a loaded machine.
    const { result: attempt, remainingMs } = await withShrinkingBudget(reference.wallMs, 3, async (budget) => {
      const prefix = `${OUT}${randomUUID().slice(0, 8)}/`;
      const deps = depsFor(prefix, proxy.endpoint);
      proxy.clear();
      const checkpointPath = `/${rig.outputBucket}/${prefix}checkpoints/${key}.json`;
      // The first invocation creates the checkpoint (If-None-Match) and saves it (If-Match: 1); the
      // second claims it (2) and saves it (3). That save is refused (the SDK does not retry a 403), as
      // if the process died right after its part was completed.
      let conditionalWrites = 0;
      proxy.add({
        name: 'kill-before-checkpoint',
        match: (r) => r.method === 'PUT' && decodeURIComponent(r.path) === checkpointPath && r.headers['if-match'] !== undefined && ++conditionalWrites === 3,
        action: { kind: 'status', status: 403, code: 'AccessDenied', message: 'simulated kill between part and checkpoint' },
      });
      const two = await twoInvocations(deps, deps, prefix, key, event, budget);
      return two && { prefix, deps, continuation: two.continuation, killedRun: two.response, afterKill: two.checkpoint };
    });
    const { prefix, deps, continuation, killedRun, afterKill } = attempt;
    const storedAfterKill = await partKeys(prefix, key);
    // SQS gives the message back after its visibility timeout, by when the lease has expired.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(afterKill.lease!.until) - Date.now()) + 100));
    const { runs } = await drive(deps, prefix, key, continuation, remainingMs);
    const summary = (await summaryOf(prefix, key))!;
    const records = await recordLines(summary);
    record(task, {
      case: 'continuation: killed after its part was written, before its checkpoint was saved',
      expected: `message retried; the part rewritten from the same checkpoint; ${reference.records.length} records, none twice`,
      observed: `retried ${killedRun.batchItemFailures.length}; after the kill ${storedAfterKill.length} parts stored, ${afterKill.parts.length} in the checkpoint; ${summary.status}, ${records.length} records, ${new Set(records).size} distinct`,
      lost: reference.records.filter((r) => !records.includes(r)).length,
    });
    expect(proxy.applied('kill-before-checkpoint')).toBe(1);
    expect(killedRun.batchItemFailures).toEqual([{ itemIdentifier: continuation.Records[0]!.messageId }]);
    expect(afterKill.sequence).toBe(1);
    expect(storedAfterKill.length).toBe(afterKill.parts.length + 1);
    expect(records).toEqual(reference.records);
    expect(comparable(summary)).toEqual(comparable(reference.summary));
    expect(await partKeys(prefix, key)).toEqual(summary.outputs.errorParts.map((p) => p.key).sort());
    expect(summary.processing.invocations).toBe(1 + runs);
  });

  it('a crash between saving the checkpoint and sending its message: the retried message takes the orphaned checkpoint', async ({ task }) => {
    const key = 'continuation/unsent.log';
    const event = await upload(key, Buffer.from(stackTraceLog(160_000, 6).text));
    const reference = await singlePass(key, event);
    // The second invocation's send fails, as if the process died right after it saved its checkpoint.
    const { result: attempt, remainingMs } = await withShrinkingBudget(reference.wallMs, 6, async (budget) => {
      const prefix = `${OUT}${randomUUID().slice(0, 8)}/`;
      const deps = depsFor(prefix);
      const failing: HandlerDeps = {
        ...deps,
        sendContinuation: async () => {
          throw new Error('simulated crash before the continuation was sent');
        },
      };
      const two = await twoInvocations(deps, failing, prefix, key, event, budget);
      return two && { prefix, deps, continuation: two.continuation, crashed: two.response, saved: two.checkpoint };
    });
    const { prefix, deps, continuation, crashed, saved } = attempt;
    // Retried at once, the message is stale (the checkpoint awaits another token) and is skipped...
    const early = (await handleEvent(deps, continuation, lambdaContext(remainingMs))) as SQSBatchResponse;
    const earlyCheckpoint = (await checkpointOf(prefix, key))!;
    // ...but SQS retries after its visibility timeout, by when the unclaimed checkpoint is orphaned.
    await new Promise((resolve) => setTimeout(resolve, remainingMs + LEASE_GRACE_MS + 200));
    const { runs } = await drive(deps, prefix, key, continuation, remainingMs);
    const summary = (await summaryOf(prefix, key))!;
    const records = await recordLines(summary);
    record(task, {
      case: 'continuation: crash between saving the checkpoint and sending its message',
      expected: `message retried; after an invocation's time the orphaned checkpoint is taken; ${reference.records.length} records`,
      observed: `retried ${crashed.batchItemFailures.length}; checkpoint at ${saved.sequence}, early retry left it at ${earlyCheckpoint.sequence}; ${summary.status} over ${summary.processing.invocations} invocations, ${records.length} records`,
      lost: reference.records.filter((r) => !records.includes(r)).length,
    });
    expect(crashed.batchItemFailures).toHaveLength(1);
    expect(saved.sequence).toBe(2);
    expect(early).toEqual({ batchItemFailures: [] });
    expect(earlyCheckpoint.savedAt).toBe(saved.savedAt);
    expect(records).toEqual(reference.records);
    expect(comparable(summary)).toEqual(comparable(reference.summary));
    expect(await partKeys(prefix, key)).toEqual(summary.outputs.errorParts.map((p) => p.key).sort());
    expect(summary.processing.invocations).toBe(2 + runs);
  });
});
