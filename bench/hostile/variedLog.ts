/**
 * A seeded, varied text log of about `bytes` bytes (request ids, users, latencies, 2 % ERROR lines),
 * in 1 MiB chunks: compresses like a real application log (some 8×), not like a repeated line.
 */
export function* variedLog(bytes: number, seed = 20261126): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const services = ['orders', 'payments', 'search', 'auth', 'inventory', 'shipping'];
  const start = Date.UTC(2026, 10, 26);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < 1024 * 1024) {
      const r = next();
      const ts = new Date(start + i * 37).toISOString();
      const svc = services[r % services.length]!;
      const line = r % 50 === 0
        ? `${ts} ERROR [${svc}] req=${next().toString(16)} call to ${svc}-backend failed after ${next() % 30000}ms: connection reset by peer user=${next() % 100000}`
        : `${ts} INFO  [${svc}] req=${next().toString(16)} ${r % 3 === 0 ? 'GET' : 'POST'} /api/${svc}/${next() % 100000} ${200 + (r % 5)} ${next() % 900}ms user=${next() % 100000}`;
      lines.push(line);
      size += line.length + 1;
      i++;
    }
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    written += chunk.length;
    yield chunk;
  }
}
