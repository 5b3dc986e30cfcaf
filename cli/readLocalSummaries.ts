import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StoredSummary } from '../functions/src/rollup/readS3Summaries.js';
import type { Summary } from '../functions/src/pipeline/types.js';
import { NotFoundError } from './errors.js';

/**
 * The summaries in a local directory, recursively (`*.json` files whose `schema` is
 * `logsieve.summary/1`: the `./logsieve-out` of `logsieve process`, or a copy of an output
 * prefix), in path order, one file read at a time. Other JSON files are left out.
 *
 * @throws NotFoundError when the directory does not exist.
 * @example for await (const s of readLocalSummaries('logsieve-out')) merger.add(fromSummary(s.summary));
 */
export async function* readLocalSummaries(dir: string): AsyncGenerator<StoredSummary> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotFoundError(dir, `${dir}: no such directory`);
  for (const file of await jsonFiles(dir)) {
    let doc: Summary;
    try {
      doc = JSON.parse(await readFile(file, 'utf8')) as Summary;
    } catch {
      continue;
    }
    if (doc?.schema === 'logsieve.summary/1') yield { key: file, etag: undefined, summary: doc };
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
