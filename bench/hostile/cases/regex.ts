/**
 * `bench:hostile` cases of class `regex` (issue 13, class 1): one input per hostile line of
 * `dev/local/hostileLines.ts`, eight 1 MiB copies of it, each followed by an ordinary ERROR line.
 * The runner (`bench/hostile.ts`) runs `logsieve process <file> --json` on each in a child with a
 * time limit and measures MB/s and peak RSS.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { HOSTILE_LINES } from '../../../dev/local/hostileLines.js';

/** One hostile input of `bench:hostile`. */
export interface HostileCase {
  class: string;
  name: string;
  /** Writes the input file into dir and returns its path. */
  make(dir: string): Promise<string>;
}

const MiB = 1024 * 1024;
/** Copies of the hostile line per input: 8 MiB, enough to time at well over 1 MB/s. */
const COPIES = 8;

/** Writes `lines` (produced lazily, one at a time) to `file`, honouring backpressure. */
export async function writeLines(file: string, lines: Iterable<string>): Promise<string> {
  const out = createWriteStream(file);
  for (const line of lines) {
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return file;
}

export const cases: HostileCase[] = HOSTILE_LINES.map((hostile) => ({
  class: 'regex',
  name: hostile.name,
  make: (dir: string) =>
    writeLines(path.join(dir, `regex-${hostile.name}.log`), (function* () {
      const text = hostile.text(MiB);
      for (let i = 0; i < COPIES; i++) {
        yield text;
        yield `2026-11-26T12:00:0${i}.000Z ERROR [bench] after hostile line ${i}`;
      }
    })()),
}));
