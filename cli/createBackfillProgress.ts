import cliProgress from 'cli-progress';
import type { BackfillProgress } from '../functions/src/backfill/runBackfill.js';

/** A backfill's progress display; a no-op when nobody watches. */
export interface BackfillProgressDisplay {
  update(progress: BackfillProgress): void;
  /** Draws the last figures and releases the terminal line. Idempotent. */
  stop(): void;
}

/**
 * A cli-progress bar of a backfill on stderr: objects done against the objects planned, with
 * processed, skipped and failed, and the objects per second; while planning, the keys listed.
 * Redrawn at most 5 times a second. A no-op when `enabled` is false (not a TTY, or `--json`).
 *
 * @example const bar = createBackfillProgress({ enabled: io.tty }); bar.update(p); … bar.stop();
 */
export function createBackfillProgress(options: { enabled: boolean; label: string; stream?: NodeJS.WritableStream }): BackfillProgressDisplay {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} {bar} {value}/{total} objects | {processed} processed, {skipped} skipped, {failed} failed | {rate}/s | {phase}`,
      fps: 5,
      hideCursor: true,
      stream: options.stream ?? process.stderr,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let stopped = false;
  const payload = (p: BackfillProgress): Record<string, string | number> => {
    const done = p.processed + p.skipped + p.failed;
    return {
      processed: p.processed,
      skipped: p.skipped,
      failed: p.failed,
      rate: (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
      phase: p.phase === 'planning' ? `planning: ${p.listed.toLocaleString('en-US')} keys listed` : p.phase,
    };
  };
  bar.start(1, 0, payload({ phase: 'planning', listed: 0, objects: 0, processed: 0, skipped: 0, failed: 0 }));
  return {
    update(p) {
      if (stopped) return;
      bar.setTotal(Math.max(1, p.objects));
      bar.update(p.processed + p.skipped + p.failed, payload(p));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
