/** Start and end (exclusive) of a UTC hour `YYYY-MM-DDTHH`, ISO 8601, and the hours `n` before it. */
export function hourSpan(hour: string): { start: string; end: string; before: (n: number) => string } {
  const t = Date.parse(`${hour}:00:00.000Z`);
  const iso = (ms: number): string => new Date(ms).toISOString();
  return { start: iso(t), end: iso(t + 3_600_000), before: (n) => iso(t - n * 3_600_000).slice(0, 13) };
}

/** The UTC day `YYYY-MM-DD` `n` days before `day`. */
export function dayBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - n * 86_400_000).toISOString().slice(0, 10);
}
