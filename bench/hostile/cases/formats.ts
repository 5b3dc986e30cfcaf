import { gzipSync } from 'node:zlib';
import { jsonLines, textLines, utf16WithBom } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { writeOnce } from '../writeOnce.js';

const LATE_LEVEL = (i: number): string => JSON.stringify({ msg: `late level ${i}`, pad: 'x'.repeat(200), level: 'error' });

export const cases: HostileCase[] = [
  {
    class: 'formats', name: '30 JSON INFO lines, then 400k text ERROR lines',
    make: (dir) => writeOnce(dir, 'json-then-text.log', function* () {
      yield Buffer.from(jsonLines(30, 'info', 'warmup'));
      for (let b = 0; b < 400; b++) yield Buffer.from(textLines(1_000, 'ERROR', `t${b}`));
    }),
    expect: { status: 'complete', records: 400_000 },
  },
  {
    class: 'formats', name: 'text, then 200k JSON errors whose "level" is after char 160',
    make: (dir) => writeOnce(dir, 'text-then-json.log', function* () {
      yield Buffer.from(textLines(50, 'INFO', 'warmup'));
      for (let b = 0; b < 200; b++) yield Buffer.from(`${Array.from({ length: 1_000 }, (_, i) => LATE_LEVEL(b * 1_000 + i)).join('\n')}\n`);
    }),
    expect: { status: 'complete', records: 200_000 },
  },
  {
    class: 'formats', name: 'gzip member, a stray byte, a member of 300k errors',
    make: (dir) => writeOnce(dir, 'stray-byte.log.gz', Buffer.concat([
      gzipSync(textLines(10, 'ERROR', 'first')), Buffer.from([0x41]), gzipSync(textLines(300_000, 'ERROR', 'second')),
    ])),
    expect: { status: 'failed', records: 300_010 },
  },
  {
    class: 'formats', name: 'gzip member of 300k errors, then plain text',
    make: (dir) => writeOnce(dir, 'gzip-then-text.log.gz', Buffer.concat([gzipSync(textLines(300_000, 'ERROR', 'member')), Buffer.from(textLines(1_000, 'ERROR', 'plain'))])),
    expect: { status: 'failed', records: 300_000 },
  },
  {
    class: 'formats', name: 'UTF-16LE with BOM, 300k lines',
    make: (dir) => writeOnce(dir, 'utf16le.log', utf16WithBom(`${textLines(150_000, 'INFO', 'ok')}${textLines(150_000, 'ERROR', 'bad')}`, 'le')),
    expect: { status: 'complete', records: 150_000 },
  },
  {
    class: 'formats', name: 'UTF-16BE with BOM, 300k lines',
    make: (dir) => writeOnce(dir, 'utf16be.log', utf16WithBom(`${textLines(150_000, 'INFO', 'ok')}${textLines(150_000, 'ERROR', 'bad')}`, 'be')),
    expect: { status: 'complete', records: 150_000 },
  },
];
