/**
 * Grouping accuracy of `logsieve templates` against Drain3 (PyPI `drain3`), on generated messages
 * of known templates: `npm run bench:grouping [-- --lines 20000 --seed 7]`.
 *
 * Data: a seeded generator of log messages (one per line, no header, as the held-out check feeds
 * `logsieve templates messages.log --no-multiline --assignments out.ndjson`) from templates written
 * in the style of real services (Java/Spring, Python, Node, nginx, OpenSSH, HDFS-like storage,
 * Kubernetes, AWS SDK and Lambda, OpenStack-like, NTP, Windows servicing). Variables are realistic
 * and include the shapes that break digit-based masking: signed ids (`blk_-69…`), names with no
 * digit, dotted hosts whose first label has digits, weekday and month names, user names after
 * "for"/"user", HTTP methods inside quoted requests, constant words next to variables ("Instance
 * spawned/destroyed successfully"), and a variable whose shape changes (`10.0.0.1`, `LOCAL(0)`,
 * `#3#`). Each line's template is the ground truth.
 *
 * Measures: GA (Zhu et al., ICSE-SEIP 2019: the share of messages whose predicted group holds
 * exactly the messages of their true group) and FGA (Loghub-2.0: F1 of exactly right groups), for
 * the project's `templates` command run in-process with the held-out arguments, for the Lambda's
 * own path (`records()` on full lines with timestamp, level and thread, minLevel any, multi-line
 * off), and for Drain3 0.9.11 with its defaults (depth 4, sim_th 0.4, max_children 100) and the
 * masking of its example drain3.ini, run from a bench-only venv (bench/.venv-drain3, made here
 * with `python3 -m venv` + pip on first use; git-ignored). The last line is JSON with projectGA,
 * projectFGA, drain3GA, drain3FGA.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ErrorGroups } from '../functions/src/parse/ErrorGroups.js';
import { TemplateGrouper } from '../functions/src/parse/TemplateGrouper.js';
import { createParseStats } from '../functions/src/parse/createParseStats.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { records } from '../functions/src/parse/records.js';
import type { Line } from '../functions/src/stream/types.js';
import { main } from '../cli/main.js';
import { prng } from '../dev/local/prng.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

type Rand = () => number;

const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Rand, max: number): number => Math.floor(r() * max);
const hex = (r: Rand, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 16)]).join('');
const WORDS = ['alpha', 'bravo', 'orders', 'billing', 'cache', 'primary', 'replica', 'west', 'blue', 'green', 'tmp', 'data', 'reports', 'img', 'static', 'v2', 'api', 'users'];
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter'];
const HOSTS = ['db-primary', 'db-replica', 'cache-east', 'cache-west', 'search-blue', 'search-green', 'queue-main', 'kafka-broker'];

/** Variable generators by kind. */
const V: Record<string, (r: Rand) => string> = {
  int: (r) => String(int(r, 100_000)),
  small: (r) => String(1 + int(r, 9)),
  ms: (r) => `${int(r, 5000)}ms`,
  secs: (r) => `${(r() * 60).toFixed(2)}s`,
  pct: (r) => `${int(r, 100)}%`,
  bytes: (r) => String(int(r, 1 << 30)),
  mb: (r) => `${(r() * 900).toFixed(1)}MB`,
  ip: (r) => `${10 + int(r, 200)}.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}`,
  ipport: (r) => `${10 + int(r, 200)}.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}:${1024 + int(r, 60000)}`,
  ipv6: (r) => `2001:db8:${hex(r, 4)}:${hex(r, 4)}::${hex(r, 3)}`,
  uuid: (r) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
  hex: (r) => `0x${hex(r, 8)}`,
  sha: (r) => hex(r, 40),
  path: (r) => `/${pick(r, WORDS)}/${pick(r, WORDS)}/${pick(r, WORDS)}${int(r, 3) === 0 ? '' : `/${int(r, 999)}`}.${pick(r, ['json', 'csv', 'log', 'py'])}`,
  url: (r) => `https://${pick(r, WORDS)}.example.com/${pick(r, WORDS)}/${int(r, 9999)}?page=${int(r, 50)}`,
  route: (r) => `/api/${pick(r, WORDS)}/${int(r, 99999)}`,
  quoted: (r) => `"${Array.from({ length: 1 + int(r, 4) }, () => pick(r, WORDS)).join(' ')}"`,
  squoted: (r) => `'${pick(r, WORDS)}_${pick(r, WORDS)}'`,
  name: (r) => pick(r, NAMES),
  host: (r) => pick(r, HOSTS),
  email: (r) => `${pick(r, NAMES)}.${pick(r, NAMES)}@example.org`,
  arn: (r) => `arn:aws:lambda:eu-west-1:${100000000000 + int(r, 1e9)}:function:${pick(r, WORDS)}-${pick(r, WORDS)}`,
  instance: (r) => `i-0${hex(r, 16)}`,
  pod: (r) => `${pick(r, WORDS)}-${hex(r, 9)}-${hex(r, 5)}`,
  ts: (r) => new Date(Date.UTC(2024, 2, 1) + int(r, 86_400_000)).toISOString(),
  kv: (r) => `tenant=${pick(r, NAMES)} shard=${int(r, 64)}`,
  list: (r) => `[${Array.from({ length: 1 + int(r, 4) }, () => pick(r, WORDS)).join(', ')}]`,
  block: (r) => `blk_${int(r, 1e9)}${int(r, 1e9)}`,
  version: (r) => `${int(r, 5)}.${int(r, 20)}.${int(r, 50)}`,
  bucket: (r) => `${pick(r, WORDS)}-${pick(r, WORDS)}-logs`,
  // The shapes digit-based masking gets wrong (issue 12).
  sblock: (r) => `blk_${r() < 0.5 ? '-' : ''}${1 + int(r, 9)}${String(int(r, 1e9)).padStart(9, '0')}${String(int(r, 1e9)).padStart(9, '0')}`,
  user: (r) => pick(r, [...NAMES, 'root', 'guest', 'admin', 'test', 'oracle', 'postgres', 'ubuntu', 'nagios']),
  dhost: (r) => pick(r, [
    () => `h${int(r, 255)}-${int(r, 255)}-${int(r, 255)}-${int(r, 255)}.isp.example.net`,
    () => `ip-10-${int(r, 255)}-${int(r, 255)}-${int(r, 255)}.ec2.internal`,
    () => `c-${int(r, 255)}-${int(r, 255)}-${int(r, 255)}-${int(r, 255)}.hsd1.ca.comcast.net`,
    () => `${int(r, 255)}.${int(r, 255)}.static.example.org`,
    () => `node${1 + int(r, 60)}.cluster.local`,
  ])(),
  weekday: (r) => pick(r, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']),
  month: (r) => pick(r, ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']),
  longday: (r) => pick(r, ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']),
  day: (r) => String(1 + int(r, 28)),
  year: (r) => String(2004 + int(r, 20)),
  clock: (r) => `${String(int(r, 24)).padStart(2, '0')}:${String(int(r, 60)).padStart(2, '0')}:${String(int(r, 60)).padStart(2, '0')}`,
  clf: (r) => `${String(1 + int(r, 28)).padStart(2, '0')}/${pick(r, ['Jan', 'Feb', 'Mar'])}/2024:${String(int(r, 24)).padStart(2, '0')}:${String(int(r, 60)).padStart(2, '0')}:${String(int(r, 60)).padStart(2, '0')} +0000`,
  ntpsrc: (r) => pick(r, [() => `${10 + int(r, 200)}.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}`, () => `LOCAL(${int(r, 2)})`, () => `#${int(r, 9)}#`])(),
  winpkg: (r) => `Microsoft-Windows-${pick(r, ['Foundation', 'Media', 'Printing', 'Shell', 'Security'])}-${pick(r, ['Core', 'Client', 'Server'])}-Package`,
  status: (r) => pick(r, ['200', '201', '204', '301', '404', '500', '503']),
  word: (r) => pick(r, WORDS),
  Service: (r) => pick(r, ['OrderService', 'PaymentService', 'CartService', 'InventoryService', 'UserService', 'AuthService']),
  method: (r) => pick(r, ['handleRequest', 'doFilter', 'invoke', 'process', 'run', 'execute', 'onMessage']),
  fqdn: (r) => `${pick(r, ['mail', 'www', 'api', 'auth', 'cdn', 'ns'])}.${pick(r, ['example', 'acme', 'contoso'])}.${pick(r, ['com', 'org', 'net'])}`,
};

/** [level, message with {kind} holes]. */
const TEMPLATES: ReadonlyArray<readonly [string, string]> = [
  ['INFO', 'Started Application in {secs} (JVM running for {secs})'],
  ['INFO', 'Tomcat started on port(s): {int} (http) with context path {quoted}'],
  ['ERROR', 'Failed to process order {int} for customer {uuid}: inventory unavailable'],
  ['ERROR', 'Connection to {ipport} refused after {small} attempts'],
  ['WARN', 'HikariPool-1 - Connection is not available, request timed out after {ms}'],
  ['ERROR', 'Could not open JDBC Connection for transaction; nested exception is java.sql.SQLTransientConnectionException: timeout {ms}'],
  ['INFO', 'Accepted publickey for {name} from {ip} port {int} ssh2'],
  ['INFO', 'pam_unix(sshd:session): session opened for user {name} by (uid={int})'],
  ['INFO', 'Received disconnect from {ip} port {int}:11: disconnected by user'],
  ['INFO', 'PacketResponder {small} for block {block} terminating'],
  ['INFO', 'BLOCK* NameSystem.allocateBlock: {path}. {block}'],
  ['WARN', 'Slow BlockReceiver write packet to mirror took {ms} (threshold=300ms)'],
  ['ERROR', 'DataXceiver error processing WRITE_BLOCK operation src: /{ipport} dst: /{ipport}'],
  ['INFO', '{ip} - - "GET {route} HTTP/1.1" 200 {int}'],
  ['ERROR', 'upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {host}, request: "GET {route} HTTP/1.1"'],
  ['ERROR', 'open() "{path}" failed (2: No such file or directory), client: {ip}'],
  ['WARN', 'an upstream response is buffered to a temporary file {path} while reading upstream'],
  ['INFO', 'Pod {pod} scheduled to node {host}'],
  ['WARN', 'Back-off restarting failed container {name} in pod {pod}'],
  ['ERROR', 'Liveness probe failed: Get "{url}": context deadline exceeded'],
  ['INFO', 'Successfully pulled image "registry.example.com/shop:{version}" in {secs}'],
  ['WARN', 'Node {host} memory pressure: {pct} used, evicting {small} pods'],
  ['ERROR', 'AccessDenied: User: {arn} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::{bucket}/{path}'],
  ['ERROR', 'ThrottlingException: Rate exceeded for operation PutRecords on stream {bucket}'],
  ['WARN', 'Retrying request to {url} after {ms} (attempt {small} of 5)'],
  ['INFO', 'Uploaded {mb} to s3://{bucket}{path} in {ms}'],
  ['ERROR', 'Task timed out after {secs} seconds'],
  ['INFO', 'REPORT RequestId: {uuid} Duration: {ms} Billed Duration: {ms} Memory Size: 512 MB Max Memory Used: {int} MB'],
  ['INFO', 'START RequestId: {uuid} Version: $LATEST'],
  ['ERROR', 'Invoke Error {quoted} for request {uuid}'],
  ['INFO', 'User {email} logged in from {ip}'],
  ['INFO', 'User {name} updated profile field {squoted}'],
  ['WARN', 'User {name} exceeded rate limit: {int} requests in {secs}'],
  ['ERROR', 'Payment {uuid} declined by provider: {quoted}'],
  ['INFO', 'Cache hit ratio {pct} for region {host}'],
  ['INFO', 'Flushed {int} keys to {host} in {ms}'],
  ['ERROR', 'Lost connection to {host} ({ipport}): broken pipe'],
  ['WARN', 'Replica {host} lagging behind primary by {secs}'],
  ['INFO', 'Job {uuid} finished with status SUCCEEDED after {secs}'],
  ['ERROR', 'Job {uuid} failed: exit code {small}'],
  ['INFO', 'Processing batch {int} of {int} ({pct})'],
  ['INFO', 'Loaded configuration from {path} ({int} keys)'],
  ['ERROR', 'Failed to parse {path}: Unexpected token {squoted} at line {int} column {int}'],
  ['WARN', 'Deprecated option {squoted} used in {path}; use {squoted} instead'],
  ['INFO', 'Feature flags evaluated for {kv}: {list}'],
  ['ERROR', 'Validation failed for fields {list} in request {uuid}'],
  ['INFO', 'Instance {instance} changed state to running at {ts}'],
  ['WARN', 'Instance {instance} failed status check, reboot scheduled'],
  ['ERROR', 'Segmentation fault at address {hex} in worker {int}'],
  ['INFO', 'Commit {sha} deployed to {host} by {name}'],
  ['INFO', 'Listening on [{ipv6}]:{int}'],
  ['ERROR', 'TLS handshake with {ipv6} failed: certificate has expired'],
  ['INFO', 'GC pause (G1 Evacuation Pause) {ms}, heap {mb}->{mb}'],
  ['WARN', 'Heap usage {pct} above threshold on {host}'],
  ['INFO', 'Sent email {uuid} to {email}'],
  ['ERROR', 'SMTP server {host} rejected message from {email}: 550 mailbox unavailable'],
  ['INFO', 'Scheduled cleanup removed {int} files older than {small} days from {path}'],
  ['ERROR', 'Disk {path} is full: {mb} free of {mb}'],
  // Issue 12's shapes: signed ids, digit-less names, dotted hosts with digits, weekdays and months,
  // user names after for/user, methods inside quoted requests, constant words next to variables,
  // a variable whose shape changes, capitalised dashed names.
  ['INFO', 'Receiving block {sblock} src: /{ipport} dest: /{ipport}'],
  ['INFO', 'Deleting block {sblock} file {path}'],
  ['INFO', 'BLOCK* NameSystem.addStoredBlock: blockMap updated: {ipport} is added to {sblock} size {bytes}'],
  ['WARN', 'Failed password for {user} from {ip} port {int} ssh2'],
  ['WARN', 'Failed password for invalid user {user} from {ip} port {int} ssh2'],
  ['INFO', 'Invalid user {user} from {ip}'],
  ['INFO', 'session opened for user {user} by (uid={int})'],
  ['INFO', 'session closed for user {user}'],
  ['WARN', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={dhost} user={user}'],
  ['WARN', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={dhost}'],
  ['INFO', 'connection from {ip} ({dhost}) at {weekday} {month} {day} {clock} {year}'],
  ['WARN', 'reverse mapping checking getaddrinfo for {dhost} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!'],
  ['INFO', 'Received disconnect from {dhost}: 11: Bye Bye [preauth]'],
  ['INFO', 'Last login: {weekday} {month} {day} {clock} {year} from {dhost}'],
  ['INFO', 'Weekly report scheduled for {longday} at {clock}'],
  ['INFO', '{ip} "GET {route} HTTP/1.1" status: {status} len: {int} time: {secs}'],
  ['INFO', '{ip} "POST {route} HTTP/1.1" status: {status} len: {int} time: {secs}'],
  ['INFO', '{ip} "DELETE {route} HTTP/1.1" status: {status} len: {int} time: {secs}'],
  ['INFO', '{ip} - - [{clf}] "GET {route} HTTP/1.1" {status} {int}'],
  ['INFO', '{ip} - - [{clf}] "PUT {route} HTTP/1.1" {status} {int}'],
  ['INFO', '[instance: {uuid}] Instance spawned successfully.'],
  ['INFO', '[instance: {uuid}] Instance destroyed successfully.'],
  ['INFO', '[instance: {uuid}] Terminating instance'],
  ['INFO', '[instance: {uuid}] Took {secs} seconds to spawn the instance on the hypervisor.'],
  ['INFO', '[instance: {uuid}] Took {secs} seconds to destroy the instance on the hypervisor.'],
  ['INFO', '[instance: {uuid}] VM Started (Lifecycle Event)'],
  ['INFO', '[instance: {uuid}] VM Stopped (Lifecycle Event)'],
  ['INFO', 'synchronized to {ntpsrc}, stratum {small}'],
  ['INFO', 'Loaded package {winpkg} from store'],
  ['WARN', 'Package {winpkg} is not applicable to this edition'],
  ['INFO', 'Service {Service} started in {ms}'],
  ['ERROR', 'Unhandled exception in {Service}.{method}: NullPointerException'],
  ['INFO', 'Resolved {fqdn} to {ip}'],
  ['WARN', 'Mail from {email} rejected by {fqdn}: policy violation'],
  ['INFO', 'Cache {word} evicted {int} entries'],
];

/** Generates `n` messages, the same as full lines (timestamp, level, thread), and their true template index. */
export function generateLabelled(n: number, seed: number): { messages: string[]; lines: string[]; labels: number[] } {
  const r = prng(seed);
  const messages: string[] = [];
  const lines: string[] = [];
  const labels: number[] = [];
  // Zipf-like template frequencies, as in real logs: a few templates dominate; the order is shuffled
  // by the seed so that no family of templates is always the frequent one.
  const order = TEMPLATES.map((_, i) => i).sort((x, y) => hash(x * 7919 + seed) - hash(y * 7919 + seed));
  const weights = new Array<number>(TEMPLATES.length);
  order.forEach((t, rank) => (weights[t] = 1 / (1 + rank * 0.25)));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    let x = r() * total;
    let t = 0;
    while (x > weights[t]! && t < weights.length - 1) x -= weights[t++]!;
    const [level, template] = TEMPLATES[t]!;
    const message = template.replace(/\{(\w+)\}/g, (_, kind: string) => V[kind]!(r));
    const ts = new Date(Date.UTC(2024, 2, 1) + i * 37).toISOString();
    messages.push(message);
    lines.push(`${ts} ${level} [${pick(r, ['main', 'worker-1', 'worker-2', 'http-nio-8080-exec-3'])}] ${message}`);
    labels.push(t);
  }
  return { messages, lines, labels };
}

function hash(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** GA and FGA of a predicted grouping against the true one. */
export function groupingScores(predicted: readonly string[], truth: readonly number[]): { ga: number; fga: number; groups: number } {
  const byPred = new Map<string, number[]>();
  const trueSize = new Map<number, number>();
  predicted.forEach((p, i) => {
    (byPred.get(p) ?? byPred.set(p, []).get(p)!).push(i);
    trueSize.set(truth[i]!, (trueSize.get(truth[i]!) ?? 0) + 1);
  });
  let correct = 0;
  let exactGroups = 0;
  for (const members of byPred.values()) {
    const t = truth[members[0]!]!;
    if (trueSize.get(t) === members.length && members.every((m) => truth[m] === t)) {
      correct += members.length;
      exactGroups++;
    }
  }
  const precision = exactGroups / byPred.size;
  const recall = exactGroups / trueSize.size;
  const fga = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { ga: correct / predicted.length, fga, groups: byPred.size };
}

const DRAIN3_VERSION = '0.9.11';

/** Makes bench/.venv-drain3 with drain3 when it is missing; returns its python. */
export function ensureDrain3(): string {
  const venv = path.join(HERE, '.venv-drain3');
  const python = path.join(venv, 'bin', 'python');
  const ok = existsSync(python) && spawnSync(python, ['-c', 'import drain3'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    console.error(`[bench] making ${venv} with drain3==${DRAIN3_VERSION} (python3 -m venv + pip)`);
    run('python3', ['-m', 'venv', venv]);
    run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `drain3==${DRAIN3_VERSION}`]);
  }
  return python;
}

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
}

/** Drain3's cluster id for each line of `file` (bench/drain3Groups.py). */
export function drain3Groups(file: string): string[] {
  const python = ensureDrain3();
  const res = spawnSync(python, [path.join(HERE, 'drain3Groups.py'), file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`drain3Groups.py failed: ${res.stderr}`);
  return res.stdout.trimEnd().split('\n');
}

/** `logsieve templates FILE --no-multiline --assignments OUT` in-process: the held-out check's call. */
export async function projectGroups(file: string): Promise<string[]> {
  const out = `${file}.assignments.ndjson`;
  let stderr = '';
  const code = await main(['node', 'logsieve', 'templates', file, '--no-multiline', '--assignments', out], {
    out: () => {}, err: (t) => void (stderr += t), tty: false, env: process.env,
  });
  if (code !== 0) throw new Error(`logsieve templates exited ${code}: ${stderr}`);
  return readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { groupId: string }).groupId);
}

/** The Lambda's path: records() on full lines, every line a record (minLevel any, no multi-line). */
async function lambdaGroups(lines: readonly string[]): Promise<string[]> {
  const batch: Line[] = [];
  let offset = 0;
  lines.forEach((text, i) => {
    batch.push({ text, number: i + 1, offset, bytes: Buffer.byteLength(text), truncated: false });
    offset += Buffer.byteLength(text) + 1;
  });
  const predicted = new Array<string>(lines.length);
  const groups = new ErrorGroups({ maxGroups: 1_000 });
  const grouper = new TemplateGrouper();
  async function* source(): AsyncGenerator<Line[]> {
    for (let i = 0; i < batch.length; i += 1000) yield batch.slice(i, i + 1000);
  }
  for await (const out of records(source(), {
    source: { bucket: 'bench', key: 'ga.log' }, rules: parseRules({ minLevel: 'any', multiline: false }), stats: createParseStats(), groups, grouper,
  })) {
    for (const record of out) predicted[record.firstLine - 1] = record.groupId;
  }
  grouper.finish();
  // A record carries its group's id at the time it was written; the summary maps it to the final one.
  const final = new Map<string, string>();
  for (const g of groups.groups()) for (const id of [g.groupId, ...g.aliases]) final.set(id, g.groupId);
  return predicted.map((id) => final.get(id) ?? id);
}

export interface GroupingResult {
  lines: number;
  templates: number;
  project: { ga: number; fga: number; groups: number };
  lambda: { ga: number; fga: number; groups: number };
  drain3: { ga: number; fga: number; groups: number };
}

/** Runs the three groupers over `n` generated messages. */
export async function runGroupingAccuracy(n = 20_000, seed = 7): Promise<GroupingResult> {
  const { messages, lines, labels } = generateLabelled(n, seed);
  const dir = path.join(HERE, '.data', 'grouping');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `messages-${n}-${seed}.log`);
  writeFileSync(file, `${messages.join('\n')}\n`);
  const project = groupingScores(await projectGroups(file), labels);
  const lambda = groupingScores(await lambdaGroups(lines), labels);
  const drained = drain3Groups(file);
  if (drained.length !== n) throw new Error(`drain3 gave ${drained.length} groups for ${n} lines`);
  return { lines: n, templates: new Set(labels).size, project, lambda, drain3: groupingScores(drained, labels) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '20000' }, seed: { type: 'string', default: '7' } } });
  const n = Number(values.lines);
  const seed = Number(values.seed);
  const res = await runGroupingAccuracy(n, seed);
  console.log(`Grouping accuracy over ${res.lines} generated messages of ${res.templates} known templates (seed ${seed}):`);
  const row = (name: string, s: { ga: number; fga: number; groups: number }) => ({ grouper: name, GA: s.ga.toFixed(3), FGA: s.fga.toFixed(3), groups: s.groups });
  console.table([
    row('logsieve templates --no-multiline (held-out call)', res.project),
    row('Lambda path: records() on full lines, minLevel any', res.lambda),
    row(`Drain3 ${DRAIN3_VERSION} (defaults + example masking)`, res.drain3),
  ]);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({
    lines: res.lines, templates: res.templates, seed,
    projectGA: r3(res.project.ga), projectFGA: r3(res.project.fga), lambdaGA: r3(res.lambda.ga), lambdaFGA: r3(res.lambda.fga),
    drain3GA: r3(res.drain3.ga), drain3FGA: r3(res.drain3.fga), projectGroups: res.project.groups, drain3Groups: res.drain3.groups,
  }));
}
