import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'dev/logsieve.mjs');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs the CLI with its stdout's reading end closed before it writes a byte (as `| head` does once it has enough). */
function runWithStdoutClosed(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('logsieve with its stdout closed by the reader (`logsieve … | head`)', () => {
  it('exits 0 without an EPIPE crash, for --help and for a command that prints its summary', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'logsieve-epipe-'));
    dirs.push(cwd);
    const help = await runWithStdoutClosed(['--help'], cwd);
    expect(help.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(help.code).toBe(0);
    const processed = await runWithStdoutClosed(['process', path.join(ROOT, 'test/fixtures/cli/orders.log'), '--json', '--out', path.join(cwd, 'out')], cwd);
    expect(processed.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(processed.code).toBe(0);
  }, 60_000);
});
