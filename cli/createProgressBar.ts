import cliProgress from 'cli-progress';

/** Live figures of one object being processed. */
export interface ProgressFigures {
  /** Bytes read from the source (compressed, when it is). */
  bytesIn: number;
  /** Bytes after decompression. */
  bytesOut: number;
  lines: number;
  /** Error and fatal records found so far. */
  errors: number;
}

/** A progress display that may be a no-op. */
export interface ProgressBar {
  update(figures: Partial<ProgressFigures>): void;
  /** Draws the final figures and releases the terminal line. Idempotent. */
  stop(): void;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Draw anything at all: only when a person is watching (stdout is a TTY and not `--json`). */
  enabled: boolean;
  /** Source size in bytes, when known: the bar then shows a percentage. */
  totalBytes?: number | undefined;
  label: string;
  /** Default stderr, so that stdout carries only the command's result. */
  stream?: NodeJS.WritableStream;
}

const MB = 1e6;

/**
 * A cli-progress bar for long work: bytes read (against the size when known), lines, decompressed
 * MB/s and errors found, redrawn at most 5 times a second. A no-op when `enabled` is false.
 *
 * @example
 * const bar = createProgressBar({ enabled: tty, totalBytes: size, label: 'app.log.gz' });
 * bar.update({ bytesIn, lines }); … bar.stop();
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  const figures: ProgressFigures = { bytesIn: 0, bytesOut: 0, lines: 0, errors: 0 };
  const total = options.totalBytes && options.totalBytes > 0 ? options.totalBytes : undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: total
        ? `${options.label} {bar} {percentage}% | {read}/{size} MB | {lines} lines | {rate} MB/s | {errors} errors`
        : `${options.label} | {read} MB read | {lines} lines | {rate} MB/s | {errors} errors`,
      fps: 5,
      hideCursor: true,
      stream: options.stream ?? process.stderr,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (): Record<string, string> => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return {
      read: (figures.bytesIn / MB).toFixed(1),
      size: ((total ?? 0) / MB).toFixed(1),
      lines: figures.lines.toLocaleString('en-US'),
      rate: (figures.bytesOut / MB / seconds).toFixed(1),
      errors: figures.errors.toLocaleString('en-US'),
    };
  };
  bar.start(total ?? 1, 0, payload());
  let stopped = false;
  return {
    update(next) {
      if (stopped) return;
      Object.assign(figures, next);
      bar.update(Math.min(total ?? 0, figures.bytesIn), payload());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.update(total ?? 1, payload());
      bar.stop();
    },
  };
}
