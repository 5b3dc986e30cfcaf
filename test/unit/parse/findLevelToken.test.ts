import { describe, expect, it } from 'vitest';
import { findLevelToken } from '../../../functions/src/parse/formats/findLevelToken.js';
import { messageOf } from '../../../functions/src/parse/formats/createTextParser.js';

describe('findLevelToken', () => {
  it.each([
    ['2024-03-01 10:00:00 ERROR boom', 50],
    ['[ERROR]\t2024-03-01T10:00:00Z\tid\tmsg', 50],
    ['2024-03-01T10:00:00Z\tid\tWARN\tslow', 40],
    ['[Fri Mar 01 2024] [core:error] [pid 1] AH1', 50],
    ['ERROR:root:failed', 50],
    ['severe: servlet failed', 50],
    ['Warning: disk almost full', 40],
    ['[alert] shutting down', 60],
    ['ALERT shutting down', 60],
    ['sent an alert to on-call', 0],
    ['notice me', 0],
    ['GET /api/error 200', 0],
    ['see error-page.html and errors.log and on_error', 0],
    ['x=error y=1', 0],
    ['INFO no ERROR here, first token wins', 30],
    ['', 0],
  ])('%j -> %i', (line, rank) => {
    expect(findLevelToken(line, 160)).toBe(rank);
  });

  it('only looks at the first `limit` characters', () => {
    expect(findLevelToken(`${'x'.repeat(200)} ERROR`, 160)).toBe(0);
  });
});

describe('messageOf', () => {
  it.each([
    ['2024-03-01 10:00:01,002 ERROR [http-nio-8080-exec-1] c.e.Svc - Failed', 'c.e.Svc - Failed'],
    ['2024-03-01T10:00:00.200Z\t3f1c0d8e-1111-4a2b-9c3d-0123456789ab\tERROR\tInvoke Error', 'Invoke Error'],
    ['[ERROR]\t2024-03-01T10:00:00.500Z\t5d5d5d5d-3333-4c2b-8c3d-0123456789ab\tUnhandled', 'Unhandled'],
    ['03-01 10:00:02.000  1234  1234 E AndroidRuntime: FATAL EXCEPTION: main', 'AndroidRuntime: FATAL EXCEPTION: main'],
    ['ERROR', 'ERROR'],
  ])('%j -> %j', (line, message) => {
    expect(messageOf(line)).toBe(message);
  });
});
