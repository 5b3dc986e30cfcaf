import { REDACTION_KINDS } from '../parse/constants.js';
import { createRedactor } from '../parse/createRedactor.js';
import type { Summary } from '../pipeline/types.js';

/**
 * The report shows text that comes from the input: samples (already redacted with the records) and
 * the failure reason (an error message may quote the bytes it choked on). Both are redacted again
 * here with every kind, whatever the rules, so that the page a person opens never shows a secret.
 */
const redact = createRedactor({ enabled: true, kinds: [...REDACTION_KINDS] });
const clean = (text: string): string => redact(text, () => {});

/** Bars drawn in the errors-over-time chart; longer ranges are merged into wider buckets. */
const MAX_BARS = 120;

/**
 * Renders the human view of a summary: one self-contained HTML page (no scripts, no external
 * assets) with the counts, an errors-over-time bar chart as inline SVG, and the top error groups.
 *
 * @example await put(keys.report, renderReport(summary), 'text/html; charset=utf-8');
 */
export function renderReport(summary: Summary): string {
  const { source, counts, time, topGroups, processing } = summary;
  const status =
    summary.status === 'complete' ? '<span class="ok">complete</span>' : `<span class="bad">failed</span>: ${esc(clean(summary.reason ?? ''))}`;
  const rows: Array<[string, string]> = [
    ['lines', n(counts.lines)],
    ['error records', n(counts.errors)],
    ['warning records', n(counts.warnings)],
    ['records written', n(counts.records)],
    ['first / last record', `${time.first ?? '–'} / ${time.last ?? '–'}`],
    ['bytes in / out', `${n(counts.bytesIn)} / ${n(counts.bytesOut)}`],
    ['truncated / skipped lines', `${n(counts.truncatedLines)} / ${n(counts.skippedLines)}`],
    ['invalid UTF-8 lines', n(counts.invalidUtf8Lines)],
    ['redactions', n(counts.redactions)],
    ['parse failures', n(counts.parseFailures)],
    ...(counts.cloudWatchLogs
      ? [['CloudWatch Logs envelopes / control / log events / invalid', [
          counts.cloudWatchLogs.envelopes, counts.cloudWatchLogs.controlMessages, counts.cloudWatchLogs.logEvents, counts.cloudWatchLogs.invalidEvents,
        ].map(n).join(' / ')] as [string, string]]
      : []),
    ['processing', `${processing.durationMs} ms, ${processing.mbPerSec} MB/s, peak RSS ${processing.peakRssMiB} MiB`],
  ];
  const groups = topGroups
    .map(
      (g) =>
        `<tr><td class="n">${n(g.count)}</td><td>${esc(g.level)} / ${esc(g.class)}</td><td><code>${esc(g.template)}</code>` +
        `<div class="sample">line ${g.sample.firstLine}: ${esc(clean(g.sample.message))}</div></td>` +
        `<td class="t">${esc(g.firstSeen.timestamp ?? `line ${g.firstSeen.line}`)}<br>${esc(g.lastSeen.timestamp ?? `line ${g.lastSeen.line}`)}</td></tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>logsieve: ${esc(source.key)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:72rem}
h1{font-size:1.3rem;word-break:break-all}table{border-collapse:collapse;margin:1rem 0}
td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
.n{text-align:right;font-variant-numeric:tabular-nums}.t{white-space:nowrap;font-size:12px}.ok{color:#1a7f37}.bad{color:#cf222e}
code{white-space:pre-wrap;word-break:break-all}.sample{color:#666;font-size:12px;word-break:break-all}
svg rect{fill:#cf222e}svg text{font-size:10px;fill:#666}
</style></head><body>
<h1>${source.bucket ? `s3://${esc(source.bucket)}/` : ''}${esc(source.key)}</h1>
<p>${status} · format <b>${esc(source.format)}</b>${source.messageFormat ? ` (messages: <b>${esc(source.messageFormat)}</b>)` : ''} · ${esc(source.compression ?? 'none')} · ${source.size === undefined ? '?' : n(source.size)} bytes</p>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Errors over time</h2>
${chart(time.errorsPerMinute)}
<h2>Top error groups</h2>
${topGroups.length ? `<table><tr><th>count</th><th>level / class</th><th>template and sample</th><th>first / last seen</th></tr>\n${groups}</table>` : '<p>No error records.</p>'}
</body></html>
`;
}

/** An SVG bar chart of records per minute, merged into at most {@link MAX_BARS} buckets. */
function chart(perMinute: Record<string, number>): string {
  // A key that is no minute (never written by the record builder, but the summary is input here) would make the span NaN.
  const minutes = Object.keys(perMinute).filter((m) => Number.isFinite(Date.parse(`${m}:00Z`))).sort();
  if (minutes.length === 0) return '<p>No timestamped error records.</p>';
  const first = Date.parse(`${minutes[0]}:00Z`);
  const last = Date.parse(`${minutes[minutes.length - 1]}:00Z`);
  const span = Math.floor((last - first) / 60_000) + 1;
  const width = Math.max(1, Math.ceil(span / MAX_BARS));
  const bars = new Array<number>(Math.ceil(span / width)).fill(0);
  for (const m of minutes) {
    const i = Math.floor((Date.parse(`${m}:00Z`) - first) / 60_000 / width);
    bars[i] = (bars[i] ?? 0) + (perMinute[m] ?? 0);
  }
  const max = Math.max(...bars);
  const W = 720;
  const H = 160;
  const bw = W / bars.length;
  const rects = bars
    .map((v, i) => {
      const h = max ? Math.round((v / max) * (H - 32)) : 0;
      const at = new Date(first + i * width * 60_000).toISOString().slice(0, 16);
      return `<rect x="${(i * bw).toFixed(1)}" y="${H - 14 - h}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h}"><title>${at}Z: ${v}</title></rect>`;
    })
    .join('');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="error records per ${width} minute(s)">${rects}
<text x="0" y="${H - 2}">${esc(minutes[0]!)}Z</text><text x="${W}" y="${H - 2}" text-anchor="end">${esc(minutes[minutes.length - 1]!)}Z</text>
<text x="${W}" y="10" text-anchor="end">max ${max} per ${width} min</text></svg>`;
}

/** A count with thousands separators, the same on every machine. */
function n(value: number): string {
  return value.toLocaleString('en-US');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
