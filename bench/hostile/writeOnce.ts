import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * Writes `dir/name` once: inputs are reused across runs (bench/.data is git-ignored). `body` is the
 * whole content, or a generator of chunks for inputs too large to build in memory. Written to a
 * temporary name first, so an interrupted run leaves no half file behind.
 */
export async function writeOnce(dir: string, name: string, body: Uint8Array | string | (() => AsyncIterable<Uint8Array> | Iterable<Uint8Array>)): Promise<string> {
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const tmp = `${path}.tmp`;
  if (typeof body === 'function') {
    const out = createWriteStream(tmp);
    for await (const chunk of body()) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  } else {
    await writeFile(tmp, body);
  }
  renameSync(tmp, path);
  return path;
}
