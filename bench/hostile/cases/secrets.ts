/**
 * `bench:hostile` cases of class `secrets` (issue 13, class 6): inputs where redaction does the
 * most work. `dense` is 64 MiB of short error lines each carrying several secrets (every kind,
 * text and JSON-escaped); `pairs` is 8 lines of 1 MiB made of `"password":"…"` pairs, the slowest
 * line found for the redactor.
 */
import path from 'node:path';
import type { HostileCase } from './regex.js';
import { writeLines } from './regex.js';

const MiB = 1024 * 1024;

function* dense(bytes: number): Generator<string> {
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const line = `2026-11-26T12:00:${String(i % 60).padStart(2, '0')}.000Z ERROR [auth] login failed password = "hunter${i}" ` +
      `aws_secret_access_key = wJalrXUtnFEMI${i}K7MDENG url=postgres://app:pa/ss${i}@db:5432/x Authorization: Bearer eyJ${i}abcdefgh ` +
      `card 4111 1111 1111 1111 Cookie: JSESSIONID=${i}A1B2C3; body={\\"password\\": \\"x${i}\\"}`;
    written += line.length + 1;
    yield line;
  }
}

function* pairs(lines: number): Generator<string> {
  const unit = '"password":"';
  for (let i = 0; i < lines; i++) yield `ERROR ${unit.repeat(Math.floor((MiB - 6) / unit.length))}`;
}

export const cases: HostileCase[] = [
  { class: 'secrets', name: 'dense', make: (dir) => writeLines(path.join(dir, 'secrets-dense.log'), dense(64 * MiB)) },
  { class: 'secrets', name: 'pairs', make: (dir) => writeLines(path.join(dir, 'secrets-pairs.log'), pairs(8)) },
];
