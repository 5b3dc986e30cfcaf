import { Command, CommanderError } from 'commander';
import { demo } from './demo.js';

/** Runs the `logsieve` command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('logsieve')
    .description('Run the logsieve pipeline locally, against files or LocalStack.')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('demo')
    .description('start LocalStack, upload a generated log, run the real handler on its S3 notification, print the summary')
    .option('--lines <n>', 'lines in the generated log', (v) => positiveInt('--lines', v), 400_000)
    .option('--keep', 'leave LocalStack running afterwards', false)
    .action(async (opts: { lines: number; keep: boolean }) => {
      await demo(opts);
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`logsieve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function positiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} expects a positive integer, got "${value}"`);
  return n;
}
