import { spawn } from 'node:child_process';

/**
 * Runs `node --import tsx <script> …args` (or `nodeArgs` in place of `--import tsx`) in a fresh process (clean heap and peak RSS) with `env`,
 * stderr passed through, and resolves to the JSON object the child printed last on stdout. `launcher`
 * runs node under another command (`['taskset', '-c', '0']`: pinned to one core).
 *
 * @example const result = await runJsonChild<ChildResult>(SELF, ['--child', 'drain'], { ...process.env });
 */
export function runJsonChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = ['--import', 'tsx'], launcher: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const node = [process.execPath, ...nodeArgs, script, ...args];
    const [command, ...rest] = [...launcher, ...node];
    const proc = spawn(command!, rest, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.on('error', (error) => reject(new Error(`${command} could not be run: ${error.message}`, { cause: error })));
    proc.on('close', (code) => {
      const line = out.trimEnd().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${args.join(' ')}: child exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}
