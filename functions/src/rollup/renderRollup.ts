import type { Rollup } from './types.js';

/** Bars of the errors-over-time chart; longer ranges are merged into wider buckets. */
const MAX_BARS = 120;
/** Inputs listed by name on the page (all of them are in the JSON). */
const MAX_INPUTS_SHOWN = 500;
const COLOURS = ['#cf222e', '#0969da', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#1b7c83', '#6e7781'] as const;

/**
 * Renders a rollup as one self-contained HTML page (no scripts, no external assets): the new and
 * rising groups first, errors over time as an inline SVG stacked by source prefix, the top groups
 * with the objects they were first and last seen in, and the summaries (or hourly rollups) merged.
 *
 * @example await put('logsieve/rollups/hourly/2026/11/26/10.html', renderRollup(rollup), 'text/html; charset=utf-8');
 */
export function renderRollup(rollup: Rollup): string {
  const { counts, time, period } = rollup;
  const title = `${period.kind === 'range' ? 'rollup' : `${period.kind}ly rollup`} ${period.start ?? '…'} – ${period.end ?? '…'}${rollup.scope === '*' ? '' : ` · ${rollup.scope}`}`;
  const changes = rollup.changes
    .map(
      (c) =>
        `<tr><td><b class="${c.change}">${c.change}</b></td><td class="n">${n(c.count)}${c.trailingMean !== undefined ? `<br><small>mean ${c.trailingMean.toFixed(2)}/h</small>` : ''}</td>` +
        `<td>${esc(c.level)} / ${esc(c.class)}</td><td><code>${esc(c.template)}</code><div class="sample">${esc(c.sample.message)}</div></td>` +
        `<td class="t">${esc(c.firstSeen.timestamp ?? '')}<br>${esc(c.firstSeen.key ?? '')}</td></tr>`,
    )
    .join('\n');
  const groups = rollup.topGroups
    .map(
      (g) =>
        `<tr><td class="n">${n(g.count)}${g.countError ? `<br><small>±${n(g.countError)}</small>` : ''}</td><td>${esc(g.level)} / ${esc(g.class)}</td>` +
        `<td><code>${esc(g.template)}</code><div class="sample">${esc(g.sample.message)}</div></td>` +
        `<td class="t">${esc(g.firstSeen.timestamp ?? '')}<br>${esc(g.firstSeen.key ?? '')}<br>${esc(g.lastSeen.timestamp ?? '')}<br>${esc(g.lastSeen.key ?? '')}</td></tr>`,
    )
    .join('\n');
  const inputs = rollup.inputs
    .slice(0, MAX_INPUTS_SHOWN)
    .map((i) => `<li><code>${esc(i.key)}</code> ${i.status === 'complete' ? '' : '<b class="bad">failed</b>'}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>logsieve: ${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:72rem}
h1{font-size:1.3rem}table{border-collapse:collapse;margin:1rem 0}
td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
.n{text-align:right;font-variant-numeric:tabular-nums}.t{font-size:12px;word-break:break-all}.bad,.new{color:#cf222e}.rising{color:#9a6700}
code{white-space:pre-wrap;word-break:break-all}.sample{color:#666;font-size:12px;word-break:break-all}
svg text{font-size:10px;fill:#666}.key span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${n(rollup.summaries.complete + rollup.summaries.failed)} summaries (${n(rollup.summaries.failed)} failed) · ${n(counts.lines)} lines · <b>${n(counts.errors)}</b> error records · ${n(counts.warnings)} warnings · ${esc(time.first ?? '–')} – ${esc(time.last ?? '–')}</p>
<h2>New and rising groups</h2>
${rollup.changes.length ? `<table><tr><th></th><th>count</th><th>level / class</th><th>template and sample</th><th>first seen</th></tr>\n${changes}</table>` : `<p>None${rollup.baseline.hours + rollup.baseline.days === 0 ? ' (no earlier rollups to compare with)' : ''}.</p>`}
<h2>Errors over time, by source</h2>
${chart(rollup)}
<h2>Top error groups</h2>
${rollup.topGroups.length ? `<table><tr><th>count</th><th>level / class</th><th>template and sample</th><th>first / last seen (object)</th></tr>\n${groups}</table>` : '<p>No error records.</p>'}
${rollup.groupFloor ? `<p><small>Groups not listed occurred at most ${n(rollup.groupFloor)} times; counts may overestimate by the ± shown (Space-Saving).</small></p>` : ''}
<h2>Merged (${n(rollup.inputs.length)})</h2>
<ul>${inputs}</ul>${rollup.inputs.length > MAX_INPUTS_SHOWN ? `<p>… and ${n(rollup.inputs.length - MAX_INPUTS_SHOWN)} more in the JSON.</p>` : ''}
</body></html>
`;
}

/** SVG bars of records per minute, one colour per source prefix, stacked. */
function chart(rollup: Rollup): string {
  const sources = Object.keys(rollup.bySource).sort();
  const minutes = Object.keys(rollup.time.errorsPerMinute).sort();
  if (minutes.length === 0) return '<p>No timestamped error records.</p>';
  const first = Date.parse(`${minutes[0]}:00Z`);
  const span = Math.floor((Date.parse(`${minutes[minutes.length - 1]}:00Z`) - first) / 60_000) + 1;
  const width = Math.max(1, Math.ceil(span / MAX_BARS));
  const bars = Array.from({ length: Math.ceil(span / width) }, () => new Array<number>(sources.length).fill(0));
  sources.forEach((s, j) => {
    for (const [m, v] of Object.entries(rollup.bySource[s]!.errorsPerMinute)) {
      const i = Math.floor((Date.parse(`${m}:00Z`) - first) / 60_000 / width);
      if (bars[i]) bars[i]![j]! += v;
    }
  });
  const max = Math.max(1, ...bars.map((b) => b.reduce((x, y) => x + y, 0)));
  const W = 720;
  const H = 160;
  const bw = W / bars.length;
  const rects = bars
    .map((stack, i) => {
      let y = H - 14;
      const at = new Date(first + i * width * 60_000).toISOString().slice(0, 16);
      return stack
        .map((v, j) => {
          const h = Math.round((v / max) * (H - 32));
          y -= h;
          return h ? `<rect x="${(i * bw).toFixed(1)}" y="${y}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h}" fill="${COLOURS[j % COLOURS.length]}"><title>${at}Z ${esc(sources[j]!)}: ${v}</title></rect>` : '';
        })
        .join('');
    })
    .join('');
  const key = sources.map((s, j) => `<span style="background:${COLOURS[j % COLOURS.length]}"></span>${esc(s)}`).join('');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="error records per ${width} minute(s), by source">${rects}
<text x="0" y="${H - 2}">${esc(minutes[0]!)}Z</text><text x="${W}" y="${H - 2}" text-anchor="end">${esc(minutes[minutes.length - 1]!)}Z</text>
<text x="${W}" y="10" text-anchor="end">max ${max} per ${width} min</text></svg><p class="key">${key}</p>`;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
