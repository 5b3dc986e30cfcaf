import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../localstack/constants.js';

const run = promisify(execFile);

/** What {@link installPackedTarball} left on disk. */
export interface InstalledTarball {
  /** The `npm pack` output. */
  tarball: string;
  /** The empty project the tarball was installed into (production dependencies only). */
  dir: string;
  /** `<dir>/node_modules/.bin/logsieve`: the installed command, as `npx logsieve` runs it. */
  bin: string;
}

/** Options of {@link installPackedTarball}. */
export interface InstallPackedTarballOptions {
  /** Repository to pack. Default this one. */
  root?: string;
  /**
   * Pack without npm's lifecycle scripts, so without the `prepare` build: for callers that just
   * built (npm test builds first). Default false: `npm pack` builds.
   */
  skipBuild?: boolean;
}

/**
 * Packs this repository with `npm pack` and installs the tarball into a fresh temporary project
 * with `npm install --omit=dev`, preferring npm's cache. Bounded by npm's own timeouts; nothing is
 * removed afterwards (the caller owns `dir` and the tarball's directory).
 *
 * @example const { bin } = await installPackedTarball(); spawnSync(bin, ['--version']);
 */
export async function installPackedTarball(options: InstallPackedTarballOptions = {}): Promise<InstalledTarball> {
  const root = options.root ?? REPO_ROOT;
  const packDir = await mkdtemp(path.join(os.tmpdir(), 'logsieve-pack-'));
  const scripts = options.skipBuild ? ['--ignore-scripts'] : [];
  await run('npm', ['pack', '--silent', ...scripts, '--pack-destination', packDir], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const [name] = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack left no .tgz in ${packDir}`);
  const tarball = path.join(packDir, name);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'logsieve-installed-'));
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'logsieve-install-check', private: true }, null, 2)}\n`);
  await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return { tarball, dir, bin: path.join(dir, 'node_modules', '.bin', 'logsieve') };
}
