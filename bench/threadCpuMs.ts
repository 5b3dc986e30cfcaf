import { readdirSync, readFileSync } from 'node:fs';

/** CPU ms (user + system) this process has used so far: its main thread's, and all its other threads' together; NaN where /proc is missing. */
export function threadCpuMs(): { main: number; others: number } {
  try {
    const tick = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
    let main = NaN;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      if (Number(tid) === process.pid) main = ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return { main: NaN, others: NaN };
  }
}
