/** The process surroundings a command runs in; tests pass their own. */
export interface CliIO {
  /** The command's result: summaries, tables, `--json`. */
  out(text: string): void;
  /** Progress, status lines and reasons. */
  err(text: string): void;
  /** A person is watching stdout: readable output, progress bars, quiet logs. */
  tty: boolean;
  env: Record<string, string | undefined>;
  /** Aborted on the first SIGINT/SIGTERM; commands stop cleanly when it fires. */
  signal: AbortSignal;
}
