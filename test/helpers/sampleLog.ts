/** A generated text log and what it contains, so tests can assert exact counts. */
export interface SampleLog {
  text: string;
  lines: number;
  errorLines: number;
}

/**
 * Builds a plain-text application log of `lines` lines in which every `errorEvery`-th line is an
 * ERROR line; the rest are INFO and WARN. Deterministic: the same arguments give the same text.
 */
export function sampleLog(lines: number, errorEvery = 37): SampleLog {
  const parts: string[] = [];
  let errorLines = 0;
  const start = Date.UTC(2026, 10, 26, 12, 0, 0);
  for (let i = 1; i <= lines; i++) {
    const ts = new Date(start + i * 13).toISOString();
    if (i % errorEvery === 0) {
      errorLines++;
      parts.push(`${ts} ERROR [orders] payment failed for order ${100000 + i}: upstream returned 502 after ${i % 900} ms`);
    } else if (i % 11 === 0) {
      parts.push(`${ts} WARN  [orders] retrying request ${i} (attempt ${i % 3})`);
    } else {
      parts.push(`${ts} INFO  [http] GET /api/v1/orders/${i} 200 ${i % 250} ms user=u${i % 977}`);
    }
  }
  return { text: `${parts.join('\n')}\n`, lines, errorLines };
}
