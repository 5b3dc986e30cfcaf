import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./invokeInChild.ts', import.meta.url));

/**
 * Invokes the Lambda entry in a child Node process with `env`, returning its response and peak RSS.
 * `maxOldSpaceMiB` caps the V8 heap, as a small Lambda memory setting would: code that buffers a
 * large object then dies of heap exhaustion instead of merely looking big.
 */
export function runHandlerInChild(
  event: unknown,
  env: Record<string, string>,
  options: { maxOldSpaceMiB?: number } = {},
): Promise<{ response: unknown; maxRssMiB: number }> {
  const heap = options.maxOldSpaceMiB ? [`--max-old-space-size=${options.maxOldSpaceMiB}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', RUNNER], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trimEnd().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{"response"')) {
        reject(new Error(`handler child exited with ${code}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-4000)}`));
        return;
      }
      resolve(JSON.parse(last) as { response: unknown; maxRssMiB: number });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
