/**
 * One timed run of bench/e2e.ts, in a fresh `node` process without tsx (plain JavaScript, so that
 * its peak RSS and start-up are the deployed function's own, not a TypeScript loader's):
 *
 *   node bench/e2eChild.mjs cold <bundle>                  import the built function bundle (module
 *                                                          scope loads the config) and stop;
 *   node bench/e2eChild.mjs handler <bundle> <bucket> <key> the bundle's handler on a direct S3 notification;
 *   node bench/e2eChild.mjs drain <bucket> <key>           a bare GetObject read to the end;
 *   node bench/e2eChild.mjs drain+gunzip <bucket> <key>    the same body through zlib's gunzip.
 *
 * Prints one JSON line. For the timed window of `handler` and the drains it also gives the CPU time
 * spent in it (Linux only, else null): this process's (all threads), its main thread's, and the whole
 * machine's busy and steal time from /proc/stat, LocalStack's serving included, so that the parent can
 * tell how fast this much work could possibly go on these cores; and, when BENCH_LOCALSTACK_PID gives
 * LocalStack's process, that process's own CPU time (serving the body, taking the uploads). The S3
 * endpoint and the function's settings come from the environment the parent sets. Modules are imported after `started` only for
 * `cold`: elsewhere module loading is a cold start's cost, not the object's, so it happens before the
 * clock starts.
 */
import { pathToFileURL } from 'node:url';
import { machineCpuMs, processCpuMs, taskCpuMs } from './procCpu.mjs';

const MiB = 1024 * 1024;
const [which, ...args] = process.argv.slice(2);
const maxRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
// What the peak is made of: the largest V8 heap, external and ArrayBuffer memory seen (sampled every 50 ms).
const peaks = { heapTotalMiB: 0, heapUsedMiB: 0, externalMiB: 0, arrayBuffersMiB: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peaks.heapTotalMiB = Math.max(peaks.heapTotalMiB, Math.round(m.heapTotal / MiB));
  peaks.heapUsedMiB = Math.max(peaks.heapUsedMiB, Math.round(m.heapUsed / MiB));
  peaks.externalMiB = Math.max(peaks.externalMiB, Math.round(m.external / MiB));
  peaks.arrayBuffersMiB = Math.max(peaks.arrayBuffersMiB, Math.round(m.arrayBuffers / MiB));
};
setInterval(sample, 50).unref();
/** CPU ms so far: this process's (all threads), its main thread's, the machine's busy and steal time, LocalStack's; null fields off Linux (LocalStack's without its pid). */
const localStackPid = process.env.BENCH_LOCALSTACK_PID;
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  let mainMs = null;
  let machine = { busyMs: null, stealMs: null };
  let localStackMs = null;
  try {
    mainMs = taskCpuMs(process.pid);
    machine = machineCpuMs();
    if (localStackPid) localStackMs = processCpuMs(localStackPid);
  } catch {
    // No /proc: the CPU figures stay null.
  }
  return { processMs: (user + system) / 1000, mainMs, machineBusyMs: machine.busyMs, stealMs: machine.stealMs, localStackMs };
};
/** What the window since `from` (a cpuNow()) cost, as the result's `cpu` field. */
const cpuSince = (from) => {
  const to = cpuNow();
  const diff = (k) => (from[k] === null || to[k] === null ? null : Math.round(to[k] - from[k]));
  return { processMs: diff('processMs'), mainMs: diff('mainMs'), machineBusyMs: diff('machineBusyMs'), stealMs: diff('stealMs'), localStackMs: diff('localStackMs') };
};
const print = (result) => process.stdout.write(`${JSON.stringify({ case: which, ...result, maxRssMiB: maxRssMiB(), ...(which === 'cold' ? {} : peaks) })}\n`);

if (which === 'cold') {
  // performance.now() counts from the process's time origin: node's own start-up is included.
  const bootMs = performance.now();
  await import(pathToFileURL(args[0]).href);
  const readyMs = performance.now();
  const cpu = process.cpuUsage();
  // CPU time is less sensitive to a busy machine than wall time.
  print({ bootMs, importMs: readyMs - bootMs, coldStartMs: readyMs, cpuMs: (cpu.user + cpu.system) / 1000 });
} else if (which === 'handler') {
  const [bundle, bucket, key] = args;
  const { handler } = await import(pathToFileURL(bundle).href);
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }] };
  const elu = performance.eventLoopUtilization();
  const cpu0 = cpuNow();
  const started = performance.now();
  const [outcome] = await handler(event, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 900_000 });
  const wallMs = performance.now() - started;
  const cpu = cpuSince(cpu0);
  if (outcome?.outcome !== 'processed') throw new Error(`handler did not process the object: ${JSON.stringify(outcome)}`);
  const { counts } = outcome.summary;
  print({
    wallMs,
    bytes: counts.bytesOut,
    lines: counts.lines,
    errors: counts.errors,
    records: counts.records,
    status: outcome.summary.status,
    eventLoopUtilization: Number(performance.eventLoopUtilization(elu).utilization.toFixed(3)),
    cpu,
  });
} else if (which === 'drain' || which === 'drain+gunzip') {
  const [bucket, key] = args;
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { createGunzip } = await import('node:zlib');
  const s3 = new S3Client({ forcePathStyle: true });
  const cpu0 = cpuNow();
  const started = performance.now();
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const stream = which === 'drain' ? res.Body : res.Body.pipe(createGunzip({ chunkSize: MiB }));
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  const wallMs = performance.now() - started;
  print({ wallMs, bytes, cpu: cpuSince(cpu0) });
} else {
  throw new Error(`unknown case ${which}: cold, handler, drain or drain+gunzip`);
}
