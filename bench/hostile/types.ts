/** One hostile input of `npm run bench:hostile`: a case module exports `cases: HostileCase[]`. */
export interface HostileCase {
  /** The failure class it belongs to (issue 13): `bombs`, `badLines`, `formats`, `wrongAnswers`, `regex`, `secrets`… */
  class: string;
  /** Unique within its class. */
  name: string;
  /** Writes the input file into `dir` (reusing it when already there), returns its path. */
  make(dir: string): Promise<string>;
  /** Extra CLI arguments (e.g. `['--config', rulesFile]`); `make` may write the file they name into `dir`. */
  args?(dir: string): string[];
  /** Time limit of the run, ms (default 120 000); the process group is killed after it. */
  timeLimitMs?: number;
  /** What a correct run reports, checked and shown in the table (never a pass condition of the targets). */
  expect?: { status?: 'complete' | 'failed'; records?: number };
}
