export function taskCpuMs(tid: number | string): number;
export function processCpuMs(pid: number | string): number;
export function machineCpuMs(): { busyMs: number; stealMs: number };
