import { spawn } from 'node:child_process';

/**
 * Runs `node --import tsx <script> …args` (or `nodeArgs` in place of `--import tsx`) in a fresh process (clean heap and peak RSS) with `env`,
 * stderr passed through, and resolves to the JSON object the child printed last on stdout.
 *
 * @example const result = await runJsonChild<ChildResult>(SELF, ['--child', 'drain'], { ...process.env });
 */
export function runJsonChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = ['--import', 'tsx']): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trimEnd().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${args.join(' ')}: child exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}
