import type { Summary } from '../functions/src/pipeline/types.js';

/** Where the outputs of a summary are, as the person should open them. */
export interface OutputLocations {
  summary: string;
  report: string;
  errors?: string | undefined;
}

const n = (value: number): string => value.toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The readable summary `logsieve process` prints on a terminal: status, counts, throughput, the
 * top error groups (at most `maxGroups`, templates cut to 100 characters) and where the outputs are.
 *
 * @example process.stdout.write(formatSummary(summary, { summary: 'out/a.summary.json', report: 'out/a.report.html' }));
 */
export function formatSummary(summary: Summary, where: OutputLocations, maxGroups = 5): string {
  const { source, counts, processing, time } = summary;
  const name = source.bucket ? `s3://${source.bucket}/${source.key}` : source.key;
  const compressed = source.compression && source.compression !== 'none' ? ` (${mb(counts.bytesIn)} ${source.compression})` : '';
  const cwl = counts.cloudWatchLogs;
  const format = cwl
    ? `${source.format} (${source.messageFormat ?? 'unknown'} messages: ${n(cwl.logEvents)} log events in ${n(cwl.envelopes)} envelopes, ${n(cwl.controlMessages)} control)`
    : source.format;
  const lines = [
    `${name}: ${summary.status}${summary.reason ? ` (${summary.reason})` : ''}`,
    `  format ${format}, ${n(counts.lines)} lines, ${mb(counts.bytesOut)}${compressed}`,
    `  ${n(counts.errors)} errors, ${n(counts.warnings)} warnings, ${n(counts.records)} records written, ${n(counts.redactions)} redactions`,
    `  ${processing.durationMs} ms, ${processing.mbPerSec} MB/s, peak RSS ${processing.peakRssMiB} MiB`,
  ];
  if (time.first) lines.push(`  records from ${time.first} to ${time.last ?? time.first}`);
  const groups = summary.topGroups.slice(0, maxGroups);
  if (groups.length > 0) {
    lines.push('  top error groups:');
    const width = Math.max(...groups.map((g) => n(g.count).length));
    for (const g of groups) {
      const template = g.template.length > 100 ? `${g.template.slice(0, 99)}…` : g.template;
      lines.push(`    ${n(g.count).padStart(width)}  ${g.level.padEnd(5)}  ${template}`);
    }
  }
  lines.push(`  summary: ${where.summary}`, `  report:  ${where.report}`);
  if (where.errors) lines.push(`  errors:  ${where.errors}`);
  return `${lines.join('\n')}\n`;
}
