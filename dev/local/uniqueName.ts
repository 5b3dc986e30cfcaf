/** A bucket or queue name no other run uses: prefix, time and a random suffix, lower case. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
