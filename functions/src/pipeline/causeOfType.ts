/** `err` or the first error of its `cause` chain that is a `type` (at most 8 deep). */
export function causeOfType<T extends Error>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}
