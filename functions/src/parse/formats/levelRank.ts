import { LEVEL_NAMES, LEVEL_RANK } from '../constants.js';
import type { Level } from '../types.js';

/**
 * Rank of a level name written in `text[start, end)`, any case, or 0 when it is not one. Decides on
 * character codes first so that the common names cost no allocation.
 */
export function levelRank(text: string, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len > 13) return 0;
  const c0 = text.charCodeAt(start) | 0x20;
  // Fast paths for the names most logs use.
  if (len === 4 && c0 === 0x69 && (text.charCodeAt(start + 1) | 0x20) === 0x6e) return LEVEL_RANK.info; // info
  if (len === 5 && c0 === 0x64 && (text.charCodeAt(start + 1) | 0x20) === 0x65) return LEVEL_RANK.debug; // debug
  if (len === 5 && c0 === 0x65 && (text.charCodeAt(start + 1) | 0x20) === 0x72) return LEVEL_RANK.error; // error
  if (len === 4 && c0 === 0x77 && (text.charCodeAt(start + 1) | 0x20) === 0x61) return LEVEL_RANK.warn; // warn
  const level = LEVEL_NAMES[text.slice(start, end).toLowerCase()];
  return level === undefined ? 0 : LEVEL_RANK[level];
}

/** Rank of a numeric level: pino/bunyan (10…60) or syslog severity (0…7). */
export function numericLevelRank(n: number): number {
  if (!Number.isFinite(n)) return 0;
  if (n >= 0 && n <= 7 && Number.isInteger(n)) {
    return n <= 2 ? LEVEL_RANK.fatal : n === 3 ? LEVEL_RANK.error : n === 4 ? LEVEL_RANK.warn : n === 7 ? LEVEL_RANK.debug : LEVEL_RANK.info;
  }
  if (n >= 60) return LEVEL_RANK.fatal;
  if (n >= 50) return LEVEL_RANK.error;
  if (n >= 40) return LEVEL_RANK.warn;
  if (n >= 30) return LEVEL_RANK.info;
  if (n >= 20) return LEVEL_RANK.debug;
  if (n >= 10) return LEVEL_RANK.trace;
  return 0;
}

/** Rank of an HTTP status: 5xx error, 4xx warn, others info; 0 when not a status. */
export function statusRank(status: number): number {
  if (status >= 500 && status <= 599) return LEVEL_RANK.error;
  if (status >= 400 && status <= 499) return LEVEL_RANK.warn;
  if (status >= 100 && status <= 399) return LEVEL_RANK.info;
  return 0;
}

/** Three ASCII digits at `i` as a number, or -1. */
export function threeDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  const c = text.charCodeAt(i + 2) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

/** Index of the start of the `n`th (0-based) `sep`-separated field, or -1. */
export function fieldStart(text: string, n: number, sep: string): number {
  let p = 0;
  for (let k = 0; k < n; k++) {
    p = text.indexOf(sep, p);
    if (p < 0) return -1;
    p += 1;
  }
  return p;
}

/** Level of a rank, or null for 0. */
export function rankToLevel(rank: number): Level | null {
  if (rank <= 0) return null;
  if (rank >= LEVEL_RANK.fatal) return 'fatal';
  if (rank >= LEVEL_RANK.error) return 'error';
  if (rank >= LEVEL_RANK.warn) return 'warn';
  if (rank >= LEVEL_RANK.info) return 'info';
  if (rank >= LEVEL_RANK.debug) return 'debug';
  return 'trace';
}
