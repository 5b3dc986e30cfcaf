import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { TemplateRow, TemplateTable } from './collectTemplates.js';
import { collectTemplates } from './collectTemplates.js';
import { NotFoundError } from './errors.js';
import type { CliIO } from './types.js';

/** Options of `logsieve templates`. */
export interface TemplatesCommandOptions {
  /** Print the table as JSON. */
  json?: boolean | undefined;
  /** Write one `{"line","groupId","template"}` per input line to this NDJSON file. */
  assignments?: string | undefined;
  /** `false` (`--no-multiline`): each line is its own event. */
  multiline?: boolean | undefined;
  /** Rows of each table (by count, by bytes). Default 20. */
  top?: number | undefined;
}

/**
 * `logsieve templates FILE`: groups every event of a local file (plain, gzip, zstd) by masked and
 * learned template and prints the top templates by count and by bytes ("which log statements make
 * most of my volume"), or with `--json` the same as JSON. `--assignments OUT.ndjson` writes, for
 * every input line in order, `{"line": N, "groupId": "…", "template": "…"}` with the group's final
 * template (a line in no event, such as a header, has template ""). `--no-multiline` makes each line
 * its own event.
 *
 * @example await templatesCommand('app.log', { json: true, assignments: 'out.ndjson' }, io);
 */
export async function templatesCommand(file: string, options: TemplatesCommandOptions, io: CliIO): Promise<TemplateTable> {
  try {
    if (!(await stat(file)).isFile()) throw new NotFoundError(file, `${file} is not a file`);
  } catch (err) {
    if (err instanceof NotFoundError) throw err;
    throw new NotFoundError(file, `${file}: no such file`, { cause: err });
  }
  const table = await collectTemplates(createReadStream(file), {
    multiline: options.multiline ?? true,
    assignments: options.assignments !== undefined,
    name: file,
    signal: io.signal,
  });
  if (options.assignments !== undefined) await writeAssignments(table, options.assignments);
  const top = options.top ?? 20;
  const byBytes = [...table.rows].sort((a, b) => b.bytes - a.bytes).slice(0, top);
  const byCount = table.rows.slice(0, top);
  if (options.json) {
    io.out(`${JSON.stringify({
      file, format: table.format, lines: table.lines, events: table.events, bytes: table.bytes,
      templates: table.rows.length, unclusteredEvents: table.unclustered, byCount, byBytes,
    })}\n`);
  } else {
    io.out(formatTable(file, table, byCount, byBytes));
  }
  return table;
}

async function writeAssignments(table: TemplateTable, path: string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (const a of table.assignments()) {
    chunk += `${JSON.stringify(a)}\n`;
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function formatTable(file: string, table: TemplateTable, byCount: TemplateRow[], byBytes: TemplateRow[]): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const pct = (v: number, of: number): string => `${of > 0 ? ((100 * v) / of).toFixed(1) : '0.0'}%`;
  const cut = (t: string): string => (t.length > 100 ? `${t.slice(0, 99)}…` : t);
  const lines = [
    `${file}: ${n(table.lines)} lines, ${n(table.events)} events (${table.format}), ${n(table.rows.length)} templates` +
      (table.unclustered > 0 ? `, ${n(table.unclustered)} events past the 10,000-cluster bound grouped by masked text` : ''),
    '',
    'top templates by count:',
    ...byCount.map((r) => `  ${n(r.count).padStart(12)}  ${pct(r.count, table.events).padStart(6)}  ${cut(r.template)}`),
    '',
    'top templates by bytes:',
    ...byBytes.map((r) => `  ${n(r.bytes).padStart(14)}  ${pct(r.bytes, table.bytes).padStart(6)}  ${cut(r.template)}`),
  ];
  return `${lines.join('\n')}\n`;
}
