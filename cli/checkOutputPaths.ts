import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { cutWithHash } from '../functions/src/pipeline/outputKeys.js';
import { OutputExistsError, UsageError } from './errors.js';

/** Longest name a file system takes for one path component (Linux, macOS, Windows: 255). */
export const NAME_MAX_BYTES = 255;
/** Longest path handed to the file system (Linux PATH_MAX is 4 096 bytes with its NUL). */
export const PATH_MAX_BYTES = 4095;
/** What `writeWhole` and `writeRecordsFile` add to a name while writing it (`.<pid>.partial`). */
const TEMPORARY_SUFFIX_BYTES = '.4194304.partial'.length;
/** Longest suffix an output adds to the source's base name. */
const LONGEST_SUFFIX = '.errors.ndjson.gz';
/** Bytes of the source's base name kept in output names: room for the suffix and the temporary one. */
export const BASE_NAME_MAX_BYTES = NAME_MAX_BYTES - LONGEST_SUFFIX.length - TEMPORARY_SUFFIX_BYTES;

/** How much of a file is read to tell whether it is a logsieve output (gzip: at most ~4 MiB once inflated). */
const SNIFF_BYTES = 4096;
/** How each kind of logsieve output begins (records, summary, report): JSON.stringify puts `schema` first. */
const OUTPUT_STARTS = ['{"schema":"logsieve.error/1"', '{\n  "schema": "logsieve.summary/1"', '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>logsieve: '];

/**
 * The base name of a source's local outputs: its own base name when it fits, else its first bytes
 * (whole characters), `~` and 16 hex digits of its SHA-256, {@link BASE_NAME_MAX_BYTES} bytes at
 * most, so that `<base>.errors.ndjson.gz.<pid>.partial` still fits in a 255-byte file name and two
 * long names that share a beginning do not collide.
 *
 * @example outputBaseName('logs/' + 'x'.repeat(250) + '.log') // 'xxx…xxx~3f2a…' (222 bytes)
 */
export function outputBaseName(key: string): string {
  const base = path.basename(key) || 'object';
  return Buffer.byteLength(base) <= BASE_NAME_MAX_BYTES ? base : cutWithHash(base, BASE_NAME_MAX_BYTES);
}

/** Whether an existing file is empty or begins like one of logsieve's outputs (gzip-compressed or not). */
async function isLogsieveOutput(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) return true;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // A prefix of the stream: inflate what is there without asking for its end.
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
    if (head.length === 0) return true;
  }
  const text = head.toString('utf8');
  return OUTPUT_STARTS.some((start) => text.startsWith(start));
}

/** Stats of a path (following links), or undefined when nothing is there. */
async function statOrNothing(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Refuses a path the file system would refuse (ENAMETOOLONG), before any byte is read. */
function checkLength(file: string, what: string): void {
  const resolved = path.resolve(file);
  if (Buffer.byteLength(resolved) + TEMPORARY_SUFFIX_BYTES > PATH_MAX_BYTES) {
    throw new UsageError(`${what} ${file}: the path is ${Buffer.byteLength(resolved)} bytes long, more than the ${PATH_MAX_BYTES - TEMPORARY_SUFFIX_BYTES} it may have`);
  }
  const name = path.basename(resolved);
  if (Buffer.byteLength(name) + TEMPORARY_SUFFIX_BYTES > NAME_MAX_BYTES) {
    throw new UsageError(`${what} ${file}: the file name is ${Buffer.byteLength(name)} bytes long, more than the ${NAME_MAX_BYTES - TEMPORARY_SUFFIX_BYTES} it may have`);
  }
  for (const part of path.dirname(resolved).split(path.sep)) {
    if (Buffer.byteLength(part) > NAME_MAX_BYTES) throw new UsageError(`${what} ${file}: a directory name is ${Buffer.byteLength(part)} bytes long, more than ${NAME_MAX_BYTES}`);
  }
}

/**
 * Checks, before any byte is read, that writing the outputs can destroy nothing and will not fail
 * on a name: no output is the input file (same device and inode: any spelling, a symbolic or hard
 * link), the output directory is a directory, no output replaces an existing file that is not a
 * previous logsieve output (empty, or beginning like a record, summary or report) unless `force`,
 * and every name fits the file system.
 *
 * @throws UsageError (exit 2) for an output that is the input, a directory in the way, or a name
 *   too long; OutputExistsError (exit 7) for a foreign file without `force`.
 * @example await checkOutputPaths({ input: 'app.log', outDir: 'out', files: [summaryPath, reportPath, errorsPath], force: false });
 */
export async function checkOutputPaths(options: { input?: string | undefined; outDir: string; files: Array<{ path: string; what: string }>; force: boolean }): Promise<void> {
  const input = options.input === undefined ? undefined : await statOrNothing(options.input);
  const dir = await statOrNothing(options.outDir);
  if (dir !== undefined && !dir.isDirectory()) {
    if (input !== undefined && sameFile(dir, input)) throw new UsageError(`refusing to use ${options.outDir} as the output directory: it is the input file`);
    throw new UsageError(`--out ${options.outDir}: exists and is not a directory`);
  }
  for (const { path: file, what } of options.files) {
    checkLength(file, what);
    const existing = await statOrNothing(file);
    if (existing === undefined) continue;
    if (input !== undefined && sameFile(existing, input)) {
      throw new UsageError(`refusing to write ${what} ${file}: it is the input file ${options.input} (same file on disk)`);
    }
    if (!existing.isFile()) throw new UsageError(`${what} ${file}: exists and is not a file`);
    if (!options.force && !(await isLogsieveOutput(file))) throw new OutputExistsError(file);
  }
}
