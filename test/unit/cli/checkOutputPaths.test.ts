import { link, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BASE_NAME_MAX_BYTES, NAME_MAX_BYTES, outputBaseName } from '../../../cli/checkOutputPaths.js';
import { EXIT } from '../../../cli/constants.js';
import { runInProcess } from './support/runCli.js';

const LOG = '2026-11-26T00:00:00.000Z INFO started\n2026-11-26T00:00:01.000Z ERROR payment failed for order 17\n';

/** A temporary directory with `app.log` in it. */
async function withLog(): Promise<{ dir: string; log: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'logsieve-paths-'));
  const log = path.join(dir, 'app.log');
  await writeFile(log, LOG);
  return { dir, log };
}

describe('logsieve process: outputs never destroy input', () => {
  it.each([
    ['the same path', (dir: string) => path.join(dir, 'app.log')],
    ['another spelling of it', (dir: string) => `${dir}/sub/../app.log`],
  ])('refuses --errors-out that is the input file (%s), before reading it, with exit 2', async (_what, spell) => {
    const { dir, log } = await withLog();
    await mkdir(path.join(dir, 'sub'));
    const run = await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--errors-out', spell(dir), '--force']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/^logsieve: refusing to write --errors-out .*: it is the input file .*app\.log \(same file on disk\)\n$/);
    expect(await readFile(log, 'utf8')).toBe(LOG);
    // Refused up front: nothing was written.
    await expect(stat(path.join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses an output that is a symbolic or hard link to the input', async () => {
    const { dir, log } = await withLog();
    const out = path.join(dir, 'out');
    await mkdir(out);
    await symlink(log, path.join(out, 'app.log.summary.json'));
    const bySymlink = await runInProcess(['process', log, '--out', out, '--force']);
    expect(bySymlink.code).toBe(EXIT.usage);
    expect(bySymlink.stderr).toContain('it is the input file');
    await link(log, path.join(dir, 'hard.ndjson'));
    const byHardLink = await runInProcess(['process', log, '--out', path.join(dir, 'o2'), '--errors-out', path.join(dir, 'hard.ndjson')]);
    expect(byHardLink.code).toBe(EXIT.usage);
    expect(await readFile(log, 'utf8')).toBe(LOG);
  });

  it('refuses the input file as the output directory', async () => {
    const { log } = await withLog();
    const run = await runInProcess(['process', log, '--out', log]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('it is the input file');
    expect(await readFile(log, 'utf8')).toBe(LOG);
  });

  it('refuses to overwrite a file that is not a logsieve output (exit 7) unless --force; overwrites its own outputs', async () => {
    const { dir, log } = await withLog();
    const notes = path.join(dir, 'notes.ndjson');
    await writeFile(notes, 'my own notes\n');
    const refused = await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--errors-out', notes]);
    expect(refused.code).toBe(EXIT.outputExists);
    expect(refused.stderr).toBe(`logsieve: refusing to overwrite ${notes}: it exists and is not a logsieve output (use --force to overwrite it)\n`);
    expect(await readFile(notes, 'utf8')).toBe('my own notes\n');

    const forced = await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--errors-out', notes, '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(notes, 'utf8')).toContain('"schema":"logsieve.error/1"');

    // A second run over its own outputs (summary, report, gzip records, plain records) needs no --force.
    expect((await runInProcess(['process', log, '--out', path.join(dir, 'out')])).code).toBe(0);
    const again = await runInProcess(['process', log, '--out', path.join(dir, 'out')]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect((await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--errors-out', notes])).code).toBe(0);
    expect(gunzipSync(await readFile(path.join(dir, 'out', 'app.log.errors.ndjson.gz'))).toString()).toContain('payment failed');
  });
});

describe('logsieve process: output names', () => {
  it('bounds names derived from a 250-character file name, and keeps them distinct', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logsieve-names-'));
    const names = [`${'a'.repeat(240)}-one.log`, `${'a'.repeat(240)}-two.log`];
    for (const name of names) {
      await writeFile(path.join(dir, name), LOG);
      const run = await runInProcess(['process', path.join(dir, name), '--out', path.join(dir, 'out'), '--json']);
      expect(run.code).toBe(0);
    }
    const written = (await readdir(path.join(dir, 'out'))).sort();
    expect(written).toHaveLength(6);
    for (const name of written) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(NAME_MAX_BYTES - '.4194304.partial'.length);
    expect(new Set(written.map((n) => n.split('~')[1]!.slice(0, 16))).size).toBe(2);
  });

  it('cuts a long base name on a character boundary and only when it must', () => {
    expect(outputBaseName('dir/app.log')).toBe('app.log');
    const long = `${'é'.repeat(150)}.log`;
    const base = outputBaseName(`x/${long}`);
    expect(Buffer.byteLength(base)).toBeLessThanOrEqual(BASE_NAME_MAX_BYTES);
    expect(base).toMatch(/^é+~[0-9a-f]{16}$/);
    expect(outputBaseName(long)).toBe(base);
  });

  it('refuses a --errors-out name too long for the file system before reading the input', async () => {
    const { dir, log } = await withLog();
    const run = await runInProcess(['process', log, '--out', path.join(dir, 'out'), '--errors-out', path.join(dir, `${'e'.repeat(250)}.ndjson`)]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/the file name is 257 bytes long, more than the 239 it may have/);
    await expect(stat(path.join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });
});
