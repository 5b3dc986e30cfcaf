import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RecordsFileWriteError, writeRecordsFile } from '../../../functions/src/output/writeRecordsFile.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import { errorRecord } from '../../helpers/errorRecord.js';

const record = (n: number): ErrorRecord =>
  errorRecord(n, { source: { bucket: '', key: 'a.log' }, message: `failure ${n} — ü`, raw: `ERROR failure ${n} — ü` });

async function* batches(count: number, per: number, failAfter?: number): AsyncGenerator<ErrorRecord[]> {
  for (let i = 0; i < count; i += per) {
    if (failAfter !== undefined && i >= failAfter) throw new Error('source broke');
    yield Array.from({ length: Math.min(per, count - i) }, (_, j) => record(i + j + 1));
  }
}

const dir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'logsieve-records-'));

describe('writeRecordsFile', () => {
  it('writes gzip NDJSON when the name ends in .gz, counting records and bytes', async () => {
    const file = path.join(await dir(), 'nested', 'errors.ndjson.gz');
    const part = await writeRecordsFile(batches(2_500, 300), { path: file });
    const text = gunzipSync(await readFile(file)).toString('utf8');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as ErrorRecord);
    expect(lines).toHaveLength(2_500);
    expect(lines[2_499]!.firstLine).toBe(2_500);
    expect(part).toMatchObject({ key: file, records: 2_500, bytes: Buffer.byteLength(text) });
    expect(part.storedBytes).toBe((await readFile(file)).length);
  });

  it('writes plain NDJSON otherwise', async () => {
    const file = path.join(await dir(), 'errors.ndjson');
    await writeRecordsFile(batches(3, 2), { path: file });
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
  });

  it('writes an empty file for zero records, so a named file is never stale', async () => {
    const file = path.join(await dir(), 'none.ndjson.gz');
    const part = await writeRecordsFile(batches(0, 1), { path: file });
    expect(part.records).toBe(0);
    expect(gunzipSync(await readFile(file)).length).toBe(0);
  });

  it('leaves no file, under either name, when the records source fails midway', async () => {
    const where = await dir();
    const file = path.join(where, 'errors.ndjson.gz');
    const failing = writeRecordsFile(batches(5_000, 500, 2_000), { path: file });
    await expect(failing).rejects.toBeInstanceOf(RecordsFileWriteError);
    await expect(failing).rejects.toThrow(/errors\.ndjson\.gz failed after \d+ records: source broke/);
    expect(await readdir(where)).toEqual([]);
  });

  it('stops and cleans up when the signal aborts', async () => {
    const where = await dir();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(writeRecordsFile(batches(10, 1), { path: path.join(where, 'x.ndjson'), signal: controller.signal })).rejects.toBeInstanceOf(RecordsFileWriteError);
    expect(await readdir(where)).toEqual([]);
  });
});
