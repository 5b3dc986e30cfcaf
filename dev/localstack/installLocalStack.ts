import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCALSTACK, REPO_ROOT, VENV_DIR, VENV_MARKER, VENV_PYTHON } from './constants.js';
import { LocalStackInstallError } from './errors.js';

/** Writes a line of progress; the harness passes its own logger. */
export type Progress = (line: string) => void;

const defaultProgress: Progress = (line) => process.stderr.write(`[localstack:install] ${line}\n`);

/**
 * Makes sure the git-ignored venv holds the pinned `localstack-core[runtime]`, installing it on
 * first use only (about a minute with a warm pip cache), plus the project's Lambda executor plugin,
 * and returns the venv's python. Re-installs when the pinned version or the constraints file
 * change, and re-installs the plugin alone when its files change.
 *
 * @example
 * const python = await installLocalStack();
 */
export async function installLocalStack(progress: Progress = defaultProgress): Promise<string> {
  const wanted = await installStamp();
  if ((await readFile(VENV_MARKER, 'utf8').catch(() => '')) === wanted.full) return VENV_PYTHON;

  await mkdir(LOCALSTACK.home, { recursive: true });
  return withLock(path.join(LOCALSTACK.home, 'install.lock'), async () => {
    // Another process may have finished the install while this one waited for the lock.
    const current = await readFile(VENV_MARKER, 'utf8').catch(() => '');
    if (current === wanted.full) return VENV_PYTHON;

    const logFile = path.join(LOCALSTACK.home, 'install.log');
    const log = createWriteStream(logFile);
    const started = Date.now();
    try {
      if (current.split(' ').slice(0, 2).join(' ') === wanted.core) {
        // localstack-core is as pinned; only the executor plugin changed.
        progress(`reinstalling the ${LOCALSTACK.hostExecutorName} Lambda executor into ${VENV_DIR} (its sources changed)`);
        await installHostExecutor(VENV_PYTHON, log, progress);
      } else {
        await installVenv(log, progress);
      }
      await writeFile(VENV_MARKER, wanted.full);
      progress(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${logFile})`);
      return VENV_PYTHON;
    } finally {
      log.end();
    }
  });
}

async function installVenv(log: NodeJS.WritableStream, progress: Progress): Promise<void> {
  const { python: python3, version } = await findPython(log, progress);
  progress(`installing localstack-core[runtime]==${LOCALSTACK.version} into ${VENV_DIR} with Python ${version} at ${python3} (first use only)`);
  // Built beside the live venv and swapped in at the end: a LocalStack still running from the
  // old one keeps its files, and a failed install leaves the old one untouched.
  const building = `${VENV_DIR}.new`;
  const retired = `${VENV_DIR}.old`;
  await rm(building, { recursive: true, force: true });
  await run(python3, ['-m', 'venv', building], log, progress, 'python3 -m venv');
  const python = path.join(building, 'bin', 'python');
  await run(
    python,
    [
      '-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off',
      '-c', LOCALSTACK.constraintsFile,
      `localstack-core[runtime]==${LOCALSTACK.version}`,
    ],
    log,
    progress,
    'pip install localstack-core',
  );
  await installHostExecutor(python, log, progress);
  await rm(retired, { recursive: true, force: true });
  await rename(VENV_DIR, retired).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(building, VENV_DIR);
}

/**
 * Installs the Lambda executor plugin (dev/localstack/lambda-host-executor) into a venv: from a
 * copy (setuptools writes build/ and *.egg-info where it builds), with the venv's own setuptools
 * (moto-ext, a dependency of localstack-core[runtime], brings it), no index and no dependencies: nothing is downloaded.
 */
async function installHostExecutor(python: string, log: NodeJS.WritableStream, progress: Progress): Promise<void> {
  const copy = await mkdtemp(path.join(tmpdir(), 'logsieve-lambda-host-'));
  try {
    await cp(LOCALSTACK.hostExecutorDir, copy, { recursive: true, filter: (src) => !EXCLUDED_FROM_PLUGIN.test(path.basename(src)) });
    await run(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '--no-index', '--no-deps', '--no-build-isolation', '--force-reinstall', copy],
      log,
      progress,
      `pip install ${path.relative(REPO_ROOT, LOCALSTACK.hostExecutorDir)}`,
    );
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/**
 * Finds a Python new enough for LocalStack: `PYTHON` when set, else python3.13 (or newer) on the
 * PATH or under pyenv, else python3 if it is 3.13 or newer. localstack-core 4.14 declares
 * Python >= 3.10, but its S3 store uses PEP 695 syntax (every S3 call fails on 3.11 with
 * `invalid syntax (stores.py, line 193)`) and it imports `warnings.deprecated` (3.13) at start.
 */
async function findPython(log: NodeJS.WritableStream, progress: Progress): Promise<{ python: string; version: string }> {
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? '/root', '.pyenv');
  const pyenvVersions = await readdir(path.join(pyenvRoot, 'versions')).catch(() => [] as string[]);
  const fromPyenv = pyenvVersions
    .filter((v) => /^3\.(1[3-9])\.\d+$/.test(v))
    // 3.13 first: the constraints were resolved on it, and binary wheels exist for it.
    .sort((a, b) => Number(!a.startsWith('3.13.')) - Number(!b.startsWith('3.13.')) || b.localeCompare(a, 'en', { numeric: true }))
    .map((v) => path.join(pyenvRoot, 'versions', v, 'bin', 'python3'));
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3.13', ...fromPyenv, 'python3'];
  const seen: string[] = [];
  for (const candidate of candidates) {
    const out = await run(candidate, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], log, () => {}, 'find python').catch(() => undefined);
    if (out === undefined) continue;
    const version = out.trim();
    seen.push(`${candidate} is ${version}`);
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major === 3 && minor >= 13) return { python: candidate, version };
  }
  progress(`no Python >= 3.13 found (${seen.join(', ') || 'no python at all'})`);
  throw new LocalStackInstallError(
    `LocalStack ${LOCALSTACK.version} needs Python >= 3.13 ` +
      `(found: ${seen.join(', ') || 'none of ' + candidates.join(', ')}); install python3.13 or set PYTHON to one`,
    'find python',
    '',
  );
}

/** Build output and caches that are no part of the plugin's sources. */
const EXCLUDED_FROM_PLUGIN = /^(__pycache__|build|dist|.*\.egg-info|.*\.pyc)$/;

/**
 * What the venv must hold: `core` is the localstack-core version and a hash of the constraints;
 * `full` adds a hash of the executor plugin's files (paths and contents), so editing it reinstalls it.
 */
async function installStamp(): Promise<{ core: string; full: string }> {
  const constraints = await readFile(LOCALSTACK.constraintsFile);
  const core = `${LOCALSTACK.version} ${createHash('sha256').update(constraints).digest('hex')}`;
  return { core, full: `${core} ${LOCALSTACK.hostExecutorName}:${await hashTree(LOCALSTACK.hostExecutorDir)}` };
}

async function hashTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (at: string): Promise<void> => {
    const entries = (await readdir(at, { withFileTypes: true })).filter((e) => !EXCLUDED_FROM_PLUGIN.test(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en'));
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else hash.update(`${path.relative(dir, full)}\0`).update(await readFile(full)).update('\0');
    }
  };
  await walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/** Runs a command, mirroring its output to the log file and condensed progress lines. */
function run(
  cmd: string,
  args: string[],
  log: NodeJS.WritableStream,
  progress: Progress,
  step: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_NO_INPUT: '1' } });
    let out = '';
    let tail: string[] = [];
    const onData = (buf: Buffer): void => {
      const text = buf.toString();
      out += text;
      log.write(text);
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        tail = [...tail.slice(-19), line];
        // pip prints one "Collecting"/"Downloading" line per package: enough to show it is alive.
        if (/^(Collecting|Installing|Successfully|ERROR)/.test(line)) progress(line.slice(0, 160));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new LocalStackInstallError(`"${cmd} ${args.join(' ')}" exited with ${code}`, step, tail.join('\n')));
    });
  });
}

/** A cross-process lock made of an exclusive mkdir; waits up to 10 minutes for a running install. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(holder) && !isAlive(holder)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LocalStackInstallError('timed out waiting for another install to finish', 'lock', dir);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  installLocalStack()
    .then((python) => console.log(`LocalStack ${LOCALSTACK.version} ready: ${python}`))
    .catch((err: unknown) => {
      console.error(String(err instanceof Error ? err.message : err));
      process.exit(1);
    });
}
