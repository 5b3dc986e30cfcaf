/**
 * CPU time from Linux's /proc, for the benches (plain JavaScript so that bench/e2eChild.mjs, which
 * runs without tsx, can import it). They throw where /proc is missing: callers turn that into NaN or null.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ is 100 on Linux: one clock tick is 10 ms. */
const TICK_MS = 10;

/** CPU ms (user + system) thread `tid` of this process has used so far. */
export function taskCpuMs(tid) {
  return statCpuMs(`/proc/self/task/${tid}/stat`);
}

/** CPU ms (user + system, all its threads) process `pid` has used so far: another process, such as LocalStack's. */
export function processCpuMs(pid) {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** utime + stime of a /proc `stat` file, in ms (the fields after the command name, which may hold spaces). */
function statCpuMs(file) {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The whole machine's CPU ms so far, all cores: busy (user, nice, system, irq, softirq) and stolen by the hypervisor. */
export function machineCpuMs() {
  // cpu  user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  return { busyMs: (user + nice + system + irq + softirq) * TICK_MS, stealMs: steal * TICK_MS };
}
