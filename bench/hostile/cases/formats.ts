import { gzipSync } from 'node:zlib';
import { jsonLines, mixedTextLines, textLines, utf16WithBom } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { writeOnce } from '../writeOnce.js';

// Realistic densities (1 line in 20 an error): the figures then measure reading, not the record writer.
const LATE_LEVEL = (i: number): string => JSON.stringify({ msg: `late level ${i}`, pad: 'x'.repeat(200), level: i % 20 === 0 ? 'error' : 'info' });

export const cases: HostileCase[] = [
  {
    class: 'formats', name: '30 JSON INFO lines, then 400k text lines (1 in 20 ERROR)',
    make: (dir) => writeOnce(dir, 'json-then-text-mixed.log', function* () {
      yield Buffer.from(jsonLines(30, 'info', 'warmup'));
      for (let b = 0; b < 400; b++) yield Buffer.from(mixedTextLines(1_000, 20, `t${b}`));
    }),
    expect: { status: 'complete', records: 20_000 },
  },
  {
    class: 'formats', name: 'text, then 200k JSON lines whose "level" is after char 160 (1 in 20 error)',
    make: (dir) => writeOnce(dir, 'text-then-json-mixed-v2.log', function* () {
      yield Buffer.from(textLines(50, 'INFO', 'warmup'));
      for (let b = 0; b < 200; b++) yield Buffer.from(`${Array.from({ length: 1_000 }, (_, i) => LATE_LEVEL(b * 1_000 + i)).join('\n')}\n`);
    }),
    expect: { status: 'complete', records: 10_000 },
  },
  {
    class: 'formats', name: 'gzip member, a stray byte, a member of 600k lines (1 in 20 ERROR)',
    make: (dir) => writeOnce(dir, 'stray-byte-mixed.log.gz', Buffer.concat([
      gzipSync(mixedTextLines(10, 1, 'first')), Buffer.from([0x41]), gzipSync(mixedTextLines(600_000, 20, 'second')),
    ])),
    expect: { status: 'failed', records: 30_010 },
  },
  {
    class: 'formats', name: 'gzip member of 600k lines (1 in 20 ERROR), then plain text',
    make: (dir) => writeOnce(dir, 'gzip-then-text-mixed.log.gz', Buffer.concat([gzipSync(mixedTextLines(600_000, 20, 'member')), Buffer.from(mixedTextLines(1_000, 1, 'plain'))])),
    expect: { status: 'failed', records: 30_000 },
  },
  {
    class: 'formats', name: 'UTF-16LE with BOM, 600k lines (1 in 20 ERROR)',
    make: (dir) => writeOnce(dir, 'utf16le-mixed.log', utf16WithBom(mixedTextLines(600_000, 20, 'u'), 'le')),
    expect: { status: 'complete', records: 30_000 },
  },
  {
    class: 'formats', name: 'UTF-16BE with BOM, 600k lines (1 in 20 ERROR)',
    make: (dir) => writeOnce(dir, 'utf16be-mixed.log', utf16WithBom(mixedTextLines(600_000, 20, 'u'), 'be')),
    expect: { status: 'complete', records: 30_000 },
  },
];
