import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { CliLogLevel } from './constants.js';
import { DEFAULT_DEMO_DIR, DEFAULT_OUT_DIR, EXIT, EXIT_CODES_HELP, LOG_LEVELS } from './constants.js';
import type { BackfillCommandOptions } from './backfillCommand.js';
import { toCliError } from './toCliError.js';
import type { CliIO } from './types.js';

// The CLI supports Node >= 20 (package.json engines). On Node 20 the AWS SDK prints a notice
// about its own future releases when the first client is built, which would break the one-line
// reason a failure prints. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Exit code of a run stopped by SIGINT/SIGTERM before it could finish (128 + SIGINT). */
const INTERRUPTED = 130;
/** The abort reason when stdout was closed by its reader. */
const STDOUT_CLOSED = new Error('stdout closed');

/**
 * Runs the `logsieve` command line and resolves to the process exit code (see {@link EXIT}); never
 * throws and never calls `process.exit` except on a second Ctrl-C. A failure prints one line,
 * `logsieve: <reason>`, on stderr. `io` replaces the process's streams, environment and signals
 * (tests run commands in-process with it).
 *
 * @example process.exitCode = await main(process.argv);
 */
export async function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  const controller = new AbortController();
  const cli: CliIO = {
    out: io.out ?? ((text) => void process.stdout.write(text)),
    err: io.err ?? ((text) => void process.stderr.write(text)),
    tty: io.tty ?? process.stdout.isTTY === true,
    env: io.env ?? process.env,
    signal: io.signal ?? controller.signal,
  };
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    // The first signal asks for a clean stop; a second one means "now".
    if (signals > 1) process.exit(INTERRUPTED);
    controller.abort(new Error('interrupted'));
  };
  if (!io.out) {
    // A closed stdout (`logsieve … | head`): the command stops and the process exits quietly with 0,
    // as a pipeline expects, instead of crashing on the EPIPE. Kept for the process's life: a write
    // still pending when main returns fails after it.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      if (!controller.signal.aborted) controller.abort(STDOUT_CLOSED);
    });
  }
  if (!io.signal) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // A closed terminal: stop cleanly too, so that `up --foreground` does not orphan LocalStack.
    process.on('SIGHUP', onSignal);
  }

  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (controller.signal.reason === STDOUT_CLOSED) return EXIT.ok;
    if (cli.signal.aborted) {
      cli.err('logsieve: interrupted\n');
      return INTERRUPTED;
    }
    const { endpointFromEnv } = await import('../dev/local/clientsFromEnv.js');
    const failure = toCliError(err, { endpoint: endpointFromEnv(cli.env) });
    cli.err(`logsieve: ${failure.message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (cli.env.LOGSIEVE_DEBUG === '1' && err instanceof Error) cli.err(`${err.stack ?? ''}\n`);
    return failure.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

// Each command's module is imported when the command runs, so that `--help` and a local `process`
// never load the AWS SDK (bench:cli measures it); keep new commands lazy the same way.
function buildProgram(io: CliIO): Command {
  const program = new Command()
    .name('logsieve')
    .description('Run the logsieve pipeline locally: on a file, an s3:// object, or a LocalStack queue.')
    .version(packageJson.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText('after', EXIT_CODES_HELP);
  addFileCommands(program, io);
  addLocalStackCommands(program, io);
  addBackfillCommand(program, io);
  return program;
}

/** `process`, `rollup`, `templates`: commands on a file, a directory or an S3 prefix. */
function addFileCommands(program: Command, io: CliIO): void {
  program
    .command('process')
    .description('run the pipeline on a local file or an S3 object; write summary, HTML report and error records')
    .argument('<input>', 'a log file (plain, gzip, zstd…) or s3://bucket/key (endpoint: AWS_ENDPOINT_URL or LOCALSTACK_ENDPOINT)')
    .option('--out <dir|s3://bucket/prefix/>', 'where the outputs go', DEFAULT_OUT_DIR)
    .option('--errors-out <file>', 'write the error records to this NDJSON file (gzip when it ends in .gz)')
    .option('--config <file>', 'rules JSON file (see functions/src/parse/README.md)')
    .option('--json', 'print only the summary JSON on stdout', false)
    .option('--force', 'overwrite existing output files that are not logsieve outputs (never the input)', false)
    .action(async (input: string, opts: { out: string; errorsOut?: string; config?: string; json: boolean; force: boolean }) => {
      const { processCommand } = await import('./processCommand.js');
      await processCommand(input, opts, io);
    });

  program
    .command('rollup')
    .description('merge the summaries under an S3 prefix or in a local directory (e.g. ./logsieve-out) into one rollup')
    .argument('<input>', 's3://bucket/prefix (endpoint: AWS_ENDPOINT_URL or LOCALSTACK_ENDPOINT) or a directory of summaries')
    .option('--since <time>', 'only summaries whose hour starts at or after this ISO 8601 time')
    .option('--until <time>', 'only summaries whose hour starts before this ISO 8601 time')
    .option('--json', 'print the rollup JSON', false)
    .option('--html <file>', 'also write the HTML rollup to this file')
    .action(async (input: string, opts: { since?: string; until?: string; json: boolean; html?: string }) => {
      const { rollupCommand } = await import('./rollupCommand.js');
      await rollupCommand(input, opts, io);
    });

  program
    .command('templates')
    .description('group every event of a local file by learned template; print the top templates by count and by bytes')
    .argument('<file>', 'a log file (plain, gzip, zstd…)')
    .option('--json', 'print the tables as JSON', false)
    .option('--assignments <out.ndjson>', 'write {"line","groupId","template"} for every input line')
    .option('--no-multiline', 'each line is its own event (no stack-trace joining)')
    .option('--top <n>', 'rows per table, 1 to 10000', (v) => integer('--top', v, 1, 10_000), 20)
    .action(async (file: string, opts: { json: boolean; assignments?: string; multiline: boolean; top: number }) => {
      const { templatesCommand } = await import('./templatesCommand.js');
      await templatesCommand(file, opts, io);
    });
}

/** `up`, `down`, `watch`, `demo`: the pipeline on LocalStack. */
function addLocalStackCommands(program: Command, io: CliIO): void {
  const logLevel = new Option('--log-level <level>', 'handler log level (default: warn on a terminal, info otherwise; env LOGSIEVE_LOG_LEVEL)').choices(LOG_LEVELS);

  program
    .command('up')
    .description('start LocalStack and deploy the real stack to it (buckets, queues, notification, the function); leave it running')
    .option('--foreground', 'stay in the foreground and stop LocalStack on Ctrl-C', false)
    .option('--no-deploy', 'no cdklocal deploy: only the buckets, queues and notification (seconds), for logsieve watch')
    .option('--stack-name <name>', 'CloudFormation stack name of the deploy', 'Logsieve')
    .option('-c, --context <key=value>', 'CDK context for the deploy, repeatable (e.g. logsieve:timeoutSeconds=60)', contextEntry, {})
    .action(async (opts: { foreground: boolean; deploy: boolean; stackName: string; context: Record<string, string> }) => {
      const { upCommand } = await import('./upCommand.js');
      await upCommand(opts, io);
    });

  program
    .command('down')
    .description('stop the LocalStack that logsieve up left running')
    .action(async () => {
      const { downCommand } = await import('./downCommand.js');
      await downCommand(io);
    });

  program
    .command('watch')
    .description('poll the queue and run the real handler on each batch, as the Lambda event source would, until Ctrl-C')
    .option('--queue-url <url>', 'queue to poll (default: the one logsieve up created)')
    .option('--output-bucket <name>', 'bucket the summaries go to (default: the one logsieve up created)')
    .option('--output-prefix <prefix>', 'key prefix of the outputs (default: logsieve/)')
    .option('--config <file>', 'rules JSON file')
    .option('--batch-size <n>', 'messages per batch, 1 to 10', (v) => integer('--batch-size', v, 1, 10), 10)
    .option('--wait-time-seconds <s>', 'long-poll wait, 0 to 20', (v) => integer('--wait-time-seconds', v, 0, 20), 20)
    .option('--debug-handles', 'print the active resources at shutdown (env LOGSIEVE_DEBUG_HANDLES=1)', false)
    .addOption(logLevel)
    .action(async (opts: { queueUrl?: string; outputBucket?: string; outputPrefix?: string; config?: string; batchSize: number; waitTimeSeconds: number; debugHandles: boolean; logLevel?: CliLogLevel }) => {
      const { watchCommand } = await import('./watchCommand.js');
      await watchCommand(opts, io);
    });

  program
    .command('demo')
    .description('up, upload a generated 100 MB gzip app log and small AWS-format logs, watch until all are processed, print the summaries')
    .option('--size-mb <n>', 'decompressed size of the generated app log, MiB', (v) => integer('--size-mb', v, 1, 10_240), 100)
    .option('--seed <n>', 'seed of the generated app log', (v) => integer('--seed', v, 0, 2 ** 31), 42)
    .option('--out-dir <dir>', 'where the HTML reports and summaries are downloaded', DEFAULT_DEMO_DIR)
    .option('--keep', 'leave LocalStack running afterwards (stop it with logsieve down)', false)
    .option('--deployed', 'run the objects through the function deployed to LocalStack (as logsieve up deploys it) instead of the in-process handler', false)
    .addOption(new Option('--log-level <level>', 'handler log level').choices(LOG_LEVELS))
    .action(async (opts: { sizeMb: number; seed: number; outDir: string; keep: boolean; deployed: boolean; logLevel?: CliLogLevel }) => {
      const { demoCommand } = await import('./demoCommand.js');
      await demoCommand(opts, io);
    });
}

/** `backfill`: every object under a prefix, here or on Step Functions. */
function addBackfillCommand(program: Command, io: CliIO): void {
  program
    .command('backfill')
    .description('process every object under an S3 prefix: plan it, run it here with bounded concurrency (or on Step Functions with --on-aws), write a report')
    .argument('<prefix>', 's3://bucket/prefix/ to backfill (endpoint: AWS_ENDPOINT_URL or LOCALSTACK_ENDPOINT)')
    .option('--suffix <suffix...>', 'keep only keys ending in one of these (e.g. --suffix .gz .log)')
    .option('--since <date>', 'keep only objects last modified at or after this ISO 8601 date or time')
    .option('--until <date>', 'keep only objects last modified before this ISO 8601 date or time')
    .option('--concurrency <n>', 'objects processed at once in this process, 1 to 64', (v) => integer('--concurrency', v, 1, 64), 8)
    .option('--out <s3://bucket/prefix/>', 'where outputs, manifest and report go (default: LOGSIEVE_OUTPUT_BUCKET or the input bucket, under logsieve/)')
    .option('--config <file>', 'rules JSON file')
    .option('--max-item-keys <n>', 'most objects per manifest item, 1 to 200', (v) => integer('--max-item-keys', v, 1, 200))
    .option('--max-item-mib <n>', 'most MiB (S3 sizes) per manifest item', (v) => integer('--max-item-mib', v, 1, 1_048_576))
    .option('--items-per-page <n>', 'items per manifest page, 1 to 10000', (v) => integer('--items-per-page', v, 1, 10_000))
    .option('--json', 'print only the report JSON on stdout', false)
    .option('--on-aws', 'start the deployed backfill state machine on the plan and follow it, instead of processing here', false)
    .option('--state-machine-arn <arn>', 'with --on-aws: the stack output BackfillStateMachineArn (env LOGSIEVE_BACKFILL_STATE_MACHINE_ARN)')
    .action(async (prefix: string, opts: BackfillCommandOptions & { maxItemMib?: number }) => {
      const { maxItemMib, ...rest } = opts;
      const { backfillCommand } = await import('./backfillCommand.js');
      await backfillCommand(prefix, { ...rest, ...(maxItemMib !== undefined ? { maxItemBytes: maxItemMib * 1024 * 1024 } : {}) }, io);
    });
}

function contextEntry(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`--context expects key=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function integer(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${option} expects an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}
