import { readdirSync } from 'node:fs';
import { taskCpuMs } from './procCpu.mjs';

/** CPU ms (user + system) this process has used so far: its main thread's, and all its other threads' together; NaN where /proc is missing. */
export function threadCpuMs(): { main: number; others: number } {
  try {
    let main = NaN;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const ms = taskCpuMs(tid);
      if (Number(tid) === process.pid) main = ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return { main: NaN, others: NaN };
  }
}
