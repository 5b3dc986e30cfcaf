import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { records } from '../../../functions/src/parse/records.js';
import { createParseStats } from '../../../functions/src/parse/createParseStats.js';
import { ParseOptionsError } from '../../../functions/src/parse/errors.js';
import { asAsync, fixture, lineBatchesOf, run } from './helpers.js';

describe('records', () => {
  describe('JSON lines', () => {
    it('uses the level field, so ERROR inside an INFO message is not an error', async () => {
      const { records: out, stats } = await run(fixture('pino.ndjson'));
      expect(stats.format).toBe('json');
      const messages = out.map((r) => r.message);
      expect(messages).not.toContain('request completed ERROR count 0');
      expect(messages).not.toContain('GET /api/error 200');
      expect(stats.levels.info).toBe(2);
    });

    it('finds the level key wherever it is on each line, and not a "level" value', async () => {
      const text = [
        '{"time":"2024-03-01T10:00:00Z","level":"info","msg":"a"}',
        '{"t":1,"level":"error","msg":"b"}',
        '{"time":"2024-03-01T10:00:00Z","level":"error","msg":"c"}',
        '{"msg":"the level","x":"2024-03-01T1","level":"debug"}',
        '{"time":"2024-03-01T10:00:00Z","tag":"level","level":"fatal"}',
      ].join('\n');
      const { records: out, stats } = await run(text, { format: 'json', rules: { minLevel: 'any' } });
      expect(out.map((r) => r.level)).toEqual(['info', 'error', 'error', 'debug', 'fatal']);
      expect(stats.levels).toMatchObject({ info: 1, error: 2, debug: 1, fatal: 1 });
    });

    it('reads numeric pino levels, string levels in any case, levelname and log.level', async () => {
      const { records: out, stats } = await run(fixture('pino.ndjson'), { rules: { minLevel: 'warn' } });
      const byLine = new Map(out.map((r) => [r.firstLine, r]));
      expect(byLine.get(2)?.level).toBe('error');
      expect(byLine.get(2)?.timestamp).toBe('2024-03-01T10:00:01.000Z');
      expect(byLine.get(3)?.level).toBe('fatal');
      expect(byLine.get(4)?.level).toBe('error'); // "severity":"Error"
      expect(byLine.get(4)?.fields.status).toBe(402);
      expect(byLine.get(5)?.level).toBe('fatal'); // levelname CRITICAL
      expect(byLine.get(5)?.timestamp).toBe('2024-03-01T10:00:04.000Z');
      expect(byLine.get(6)?.level).toBe('warn'); // log.level
      expect(stats.levels).toMatchObject({ info: 2, warn: 1, error: 5, fatal: 2 });
    });

    it('understands the Lambda JSON log format and bare errorType/errorMessage payloads', async () => {
      const { records: out } = await run(fixture('pino.ndjson'));
      const lambda = out.find((r) => r.firstLine === 7)!;
      expect(lambda.message).toBe('Error: boom');
      expect(lambda.fields).toMatchObject({ errorType: 'Error', requestId: '7e7e7e7e-4444-4d2b-8c3d-0123456789ab' });
      const payload = out.find((r) => r.firstLine === 8)!;
      expect(payload.class).toBe('exception');
      expect(payload.message).toBe("Runtime.ImportModuleError: Cannot find module 'left-pad'");
    });

    it('reports failed Lambda platform events of the JSON log format', async () => {
      const text = [
        '{"time":"2024-03-01T10:00:00.000Z","type":"platform.start","record":{"requestId":"r1","version":"$LATEST"}}',
        '{"time":"2024-03-01T10:00:03.000Z","type":"platform.runtimeDone","record":{"requestId":"r1","status":"timeout","metrics":{"durationMs":3000}}}',
        '{"time":"2024-03-01T10:00:04.000Z","type":"platform.runtimeDone","record":{"requestId":"r2","status":"success"}}',
      ].join('\n');
      const { records: out } = await run(text);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ firstLine: 2, class: 'exception', message: 'platform.runtimeDone timeout', timestamp: '2024-03-01T10:00:03.000Z' });
      expect(out[0]!.fields.requestId).toBe('r1');
    });

    it('treats a 5xx status field as an error when there is no level', async () => {
      const { records: out } = await run(fixture('pino.ndjson'));
      const status = out.find((r) => r.firstLine === 10)!;
      expect(status).toMatchObject({ class: 'http-5xx', level: 'error', format: 'json' });
    });

    it('counts an invalid JSON line that scanned as an error as a parse failure and keeps it', async () => {
      const { records: out, stats } = await run('{"level":"error","msg":"cut off\n{"level":"info"}\n', { format: 'json' });
      expect(out).toHaveLength(1);
      expect(out[0]!.raw).toBe('{"level":"error","msg":"cut off');
      expect(stats.parseFailures).toBe(1);
    });
  });

  describe('plain text', () => {
    it('joins a Java stack trace to its log line, so frames and Caused by are not separate errors', async () => {
      const { records: out, stats } = await run(fixture('java-stack.log'));
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ firstLine: 2, lastLine: 8, level: 'error', class: 'level' });
      expect(out[0]!.raw.split('\n')).toHaveLength(7);
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:01.002Z');
      expect(stats.events).toBe(3);
    });

    it('does not take "error" in a URL path for a level', async () => {
      const { records: out } = await run(fixture('java-stack.log'));
      expect(out.some((r) => r.firstLine === 9)).toBe(false);
    });

    it('joins a Python traceback including the final exception line', async () => {
      const { records: out } = await run(fixture('python-traceback.log'));
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ firstLine: 2, lastLine: 6 });
      expect(out[0]!.raw.endsWith("KeyError: 'action'")).toBe(true);
    });

    it('handles Node Lambda TAB-separated levels, frames and a runtime timeout line', async () => {
      const { records: out, stats } = await run(fixture('lambda-node.log'));
      expect(out.map((r) => [r.firstLine, r.lastLine, r.class])).toEqual([
        [3, 5, 'level'],
        [9, 9, 'exception'],
      ]);
      expect(stats.levels.warn).toBe(1);
      expect(stats.levels.info).toBe(1); // the INFO line whose message says ERROR
      expect(out[0]!.fields.requestId).toBe('3f1c0d8e-1111-4a2b-9c3d-0123456789ab');
      expect(out[0]!.message.startsWith('Invoke Error')).toBe(true);
    });

    it('recognises Apache, Python, syslog-name and Android level tokens', async () => {
      const text = [
        '[Fri Mar 01 10:00:00.123 2024] [core:error] [pid 42] AH00037: Symbolic link not allowed',
        '[Fri Mar 01 10:00:01 2024] [notice] Apache configured -- resuming normal operations',
        'ERROR:root:division failed',
        '03-01 10:00:02.000  1234  1234 E AndroidRuntime: FATAL EXCEPTION: main',
        '03-01 10:00:03.000  1234  1234 I ActivityManager: Start proc',
        'Mar  1 10:00:04 host sshd[99]: CRIT disk failing',
        'Mar  1 10:00:05 host app: sent alert to on-call about nothing',
        'PANIC: kernel stack overflow',
        'SEVERE: Servlet threw exception',
      ].join('\n');
      const { records: out } = await run(text, { format: 'text' });
      expect(out.map((r) => [r.firstLine, r.level])).toEqual([
        [1, 'error'], [3, 'error'], [4, 'error'], [6, 'fatal'], [8, 'fatal'], [9, 'error'],
      ]);
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:00.123Z');
    });

    it('treats WARN and WARNING as warnings, not errors', async () => {
      const { records: out, stats } = await run('WARN a\nWARNING b\nINFO c\n', { format: 'text' });
      expect(out).toEqual([]);
      expect(stats.levels.warn).toBe(2);
    });

    it('bounds a multi-line event and counts the cut', async () => {
      const frames = Array.from({ length: 50 }, (_, i) => `    at f${i} (/app/x.js:${i}:1)`);
      const text = ['ERROR boom', ...frames, 'INFO next'].join('\n');
      const { records: out, stats } = await run(text, { format: 'text', rules: { multiline: { maxLines: 10 } } });
      expect(out).toHaveLength(1);
      expect(out[0]!.raw.split('\n')).toHaveLength(10);
      expect(out[0]!.lastLine).toBe(51); // swallowed frames still belong to the event
      expect(out[0]!.truncated).toBe(true);
      expect(stats.multilineCuts).toBe(1);
    });

    it('with multi-line joining off, every frame line is its own event', async () => {
      const { records: out, stats } = await run(fixture('java-stack.log'), { rules: { multiline: false } });
      expect(out.map((r) => r.firstLine)).toEqual([2, 3]);
      expect(stats.events).toBe(9);
    });

    it('gives the same result whatever the batch boundaries (an event may span batches)', async () => {
      const text = fixture('java-stack.log') + fixture('python-traceback.log') + fixture('lambda-node.log');
      const expected = (await run(text, { format: 'text' })).records;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 12 }), async (batchSize) => {
          const { records: out } = await run(text, { format: 'text', batchSize });
          expect(out).toEqual(expected);
        }),
        { numRuns: 12 },
      );
    });
  });

  describe('syslog', () => {
    it('uses the PRI severity: 3 or lower is an error', async () => {
      const { records: out, stats } = await run(fixture('syslog.log'));
      expect(stats.format).toBe('syslog');
      expect(out.map((r) => [r.firstLine, r.level])).toEqual([[1, 'error'], [3, 'fatal']]);
      expect(out[0]).toMatchObject({ timestamp: '2024-03-01T10:00:00.000Z', message: 'upstream timed out' });
      expect(out[0]!.fields).toMatchObject({ host: 'web01', app: 'nginx', severity: 3 });
      expect(out[1]!.fields).toMatchObject({ app: 'kernel', severity: 2 });
    });

    it('dates RFC 3164 stamps, which have no year, from the reference time, and counts them', async () => {
      const text = [
        '<11>Dec 31 23:59:58 web01 app[7]: disk write failed',
        'Jan  1 00:00:03 web01 sshd[8]: error: PAM: Authentication failure for root',
        '<14>Jan  1 00:00:04 web01 app[7]: all good',
      ].join('\n');
      const written = new Date('2027-01-01T00:05:00Z');
      const dated = await run(text, { format: 'syslog', referenceTime: written });
      expect(dated.records.map((r) => r.timestamp)).toEqual(['2026-12-31T23:59:58.000Z', '2027-01-01T00:00:03.000Z']);
      expect(dated.stats.yearsInferred).toBe(2);
      expect(dated.stats.timeRange).toEqual({ min: '2026-12-31T23:59:58.000Z', max: '2027-01-01T00:00:03.000Z' });

      const undated = await run(text, { format: 'syslog' });
      expect(undated.records.map((r) => r.timestamp)).toEqual([null, null]);
      expect(undated.stats.yearsInferred).toBe(0);
      // A stamp with its year is never guessed at.
      const iso = await run('<11>1 2026-03-01T10:00:00Z web01 app 7 - - failed', { format: 'syslog', referenceTime: written });
      expect(iso.records[0]!.timestamp).toBe('2026-03-01T10:00:00.000Z');
      expect(iso.stats.yearsInferred).toBe(0);
      await expect(run(text, { referenceTime: new Date('nope') })).rejects.toThrow(/options\.referenceTime/);
    });
  });

  describe('logfmt', () => {
    it('reads level= and lvl= in place and keeps the pairs as fields', async () => {
      const { records: out, stats } = await run(fixture('logfmt.log'));
      expect(stats.format).toBe('logfmt');
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ message: 'query failed: timeout', timestamp: '2024-03-01T10:00:01.000Z' });
      expect(out[0]!.fields).toMatchObject({ db: 'orders', duration: '5.01s' });
      expect(stats.levels).toMatchObject({ info: 1, warn: 1, error: 1 });
    });
  });

  describe('access logs', () => {
    it('Common/Combined: 5xx is an error; a 200 whose path contains 500 is not', async () => {
      const { records: out, stats } = await run(fixture('access.log'));
      expect(stats.format).toBe('access');
      expect(out).toHaveLength(1);
      expect(out[0]!.fields).toMatchObject({ status: 500, method: 'POST', user: 'bob', bytes: null });
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:01.000Z');
      expect(stats.classes).toMatchObject({ 'http-4xx': 1, 'http-5xx': 1, none: 1 });
    });

    it('ALB: elb_status_code by position, error_reason, empty - fields', async () => {
      const { records: out, stats } = await run(fixture('alb.log'));
      expect(stats.format).toBe('alb');
      expect(out.map((r) => [r.firstLine, r.class])).toEqual([[2, 'elb-error'], [4, 'http-5xx']]);
      expect(stats.classes).toEqual({ none: 1, 'http-4xx': 1, 'http-5xx': 1, 'elb-error': 1 });
      expect(out[0]!.fields).toMatchObject({ elbStatusCode: 502, targetStatusCode: null, target: null, errorReason: 'LambdaInvalidResponse' });
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:01.000Z');
      expect(stats.levels.warn).toBe(1);
    });

    it('ALB: two requests to one route with different ids share a group', async () => {
      const line = (id: number, status: number): string =>
        `https 2024-03-01T10:00:0${id % 10}.000000Z app/a/1 1.2.3.4:5 10.0.0.1:80 0.0 0.1 0.0 ${status} ${status} 1 2 "GET https://x.example.com:443/orders/${id}/pay HTTP/1.1" "ua" - - arn:tg "Root=1" "-" "-" 0 2024-03-01T10:00:00.000000Z "forward" "-" "-" "10.0.0.1:80" "${status}" "-" "-"`;
      const { records: out } = await run([line(11, 503), line(12345, 503), line(7, 500)].join('\n'));
      expect(out[0]!.groupId).toBe(out[1]!.groupId);
      expect(out[2]!.groupId).not.toBe(out[0]!.groupId);
    });

    it('Classic ELB lines', async () => {
      const text = [
        '2024-03-01T10:00:00.000000Z classic-elb 198.51.100.1:5000 10.0.0.1:80 0.00005 0.2 0.00003 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/8" - -',
        '2024-03-01T10:00:01.000000Z classic-elb 198.51.100.1:5001 - -1 -1 -1 504 0 0 0 "GET http://www.example.com:80/slow HTTP/1.1" "curl/8" - -',
      ].join('\n');
      const { records: out, stats } = await run(text);
      expect(stats.format).toBe('elb');
      expect(out.map((r) => r.firstLine)).toEqual([2]);
      expect(out[0]!.fields).toMatchObject({ elbStatusCode: 504, target: null });
    });

    it('CloudFront: #Fields header, CRLF, 5xx and x-edge-result-type Error, a 200 whose path has 500', async () => {
      const { records: out, stats } = await run(fixture('cloudfront.log'), { rules: { minLevel: 'warn' } });
      expect(stats.format).toBe('cloudfront');
      expect(stats.headerLines).toBe(2);
      expect(out.map((r) => [r.firstLine, r.level, r.class])).toEqual([[4, 'error', 'edge-error'], [5, 'warn', 'edge-error']]);
      expect(out[0]!.fields).toMatchObject({ status: 504, uri: '/api/cart', edgeResultType: 'Error' });
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:05.000Z');
      expect(out[0]!.raw.endsWith('\r')).toBe(false);
    });

    it('S3 server access: status and Error Code; 4xx is a warning', async () => {
      const { records: out, stats } = await run(fixture('s3-access.log'), { rules: { minLevel: 'warn' } });
      expect(stats.format).toBe('s3-access');
      expect(out.map((r) => [r.firstLine, r.level, r.fields.errorCode])).toEqual([[2, 'warn', 'NoSuchKey'], [3, 'error', 'SlowDown']]);
      expect(out[1]!.timestamp).toBe('2024-03-01T10:00:02.000Z');
      expect(out[1]!.fields.requester).toBeNull();
    });

    it('VPC Flow Logs: REJECT/NODATA/SKIPDATA are counted as classes, not errors by default', async () => {
      const { records: out, stats } = await run(fixture('vpc-flow.log'));
      expect(stats.format).toBe('vpc-flow');
      expect(out).toEqual([]);
      expect(stats.headerLines).toBe(1);
      expect(stats.classes).toMatchObject({ 'vpc-reject': 1, 'vpc-nodata': 1, 'vpc-skipdata': 1, none: 1 });
    });

    it('VPC Flow Logs: REJECT becomes an error when the rules list the class', async () => {
      const { records: out } = await run(fixture('vpc-flow.log'), { rules: { errorClasses: ['vpc-reject'] } });
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ firstLine: 3, level: 'error', class: 'vpc-reject', timestamp: '2024-03-01T10:00:00.000Z' });
      expect(out[0]!.fields).toMatchObject({ dstport: 22, action: 'REJECT', 'interface-id': 'eni-0a1b2c3d4e5f67890' });
    });

    it('VPC Flow Logs: a custom header order is honoured', async () => {
      const text = 'version interface-id action srcaddr dstaddr dstport log-status\n5 eni-1 REJECT 10.0.0.1 10.0.0.2 3389 OK\n5 eni-1 ACCEPT 10.0.0.1 10.0.0.2 443 OK\n';
      const { records: out } = await run(text, { rules: { errorClasses: ['vpc-reject'] } });
      expect(out.map((r) => r.fields.dstport)).toEqual([3389]);
    });
  });

  describe('WAF', () => {
    it('BLOCK is an error, CAPTCHA a warning, ALLOW nothing', async () => {
      const { records: out, stats } = await run(fixture('waf.ndjson'), { rules: { minLevel: 'warn' } });
      expect(stats.format).toBe('waf');
      expect(out.map((r) => [r.class, r.level])).toEqual([['waf-block', 'error'], ['waf-challenge', 'warn']]);
      expect(out[0]!.fields).toMatchObject({ clientIp: '198.51.100.40', terminatingRuleId: 'SQLi' });
      expect(out[0]!.timestamp).toBe('2024-03-01T10:00:00.000Z');
    });
  });

  describe('rules', () => {
    it('minLevel any with joining off makes every line a record with a groupId', async () => {
      const text = fixture('java-stack.log');
      const { records: out } = await run(text, { rules: { minLevel: 'any', multiline: false } });
      expect(out).toHaveLength(text.trimEnd().split('\n').length);
      expect(out.every((r) => /^[0-9a-f]{16}$/.test(r.groupId))).toBe(true);
      expect(out[2]).toMatchObject({ level: 'error', class: 'exception' }); // the exception header line
      expect(out[3]).toMatchObject({ level: 'none', class: 'none' }); // a frame
    });

    it('include, exclude and extra error patterns', async () => {
      const text = 'ERROR db timeout\nERROR healthcheck failed\nINFO payment gateway said NOPE\n';
      const a = await run(text, { format: 'text', rules: { exclude: ['healthcheck'] } });
      expect(a.records.map((r) => r.firstLine)).toEqual([1]);
      expect(a.stats.excluded).toBe(1);
      const b = await run(text, { format: 'text', rules: { include: ['db'] } });
      expect(b.records.map((r) => r.firstLine)).toEqual([1]);
      const c = await run(text, { format: 'text', rules: { errorPatterns: ['said NOPE'] } });
      expect(c.records.map((r) => [r.firstLine, r.class])).toEqual([[1, 'level'], [2, 'level'], [3, 'pattern']]);
    });

    it('errorClasses can switch a class off', async () => {
      const { records: out } = await run(fixture('pino.ndjson'), { rules: { errorClasses: ['level'] } });
      expect(out.every((r) => r.class === 'level')).toBe(true);
      expect(out.length).toBeGreaterThan(0);
    });
  });

  describe('records, groups and stats', () => {
    it('fills source, offsets, schema, and caps raw with a truncated flag', async () => {
      const long = `ERROR ${'x'.repeat(500)}`;
      const { records: out } = await run(`INFO a\n${long}\n`, { format: 'text', rules: { maxRawBytes: 100 } });
      expect(out[0]).toMatchObject({
        schema: 'logsieve.error/1', source: { bucket: 'logs', key: 'test.log' }, firstLine: 2, lastLine: 2, byteOffset: 7,
        truncated: true,
      });
      expect(out[0]!.raw).toHaveLength(100);
    });

    it('redacts secrets in raw, message and fields, and counts them', async () => {
      const text = '{"level":"error","msg":"auth failed Authorization: Bearer eyJhbGciOi.abc.def","key":"AKIAABCDEFGHIJKLMNOP","url":"https://u:hunter2@db.example.com/x"}\n';
      const { records: out, stats } = await run(text);
      const all = JSON.stringify(out[0]);
      expect(all).not.toContain('eyJhbGciOi');
      expect(all).not.toContain('AKIAABCDEFGHIJKLMNOP');
      expect(all).not.toContain('hunter2');
      expect(stats.redactions).toBeGreaterThanOrEqual(3);
      expect(stats.redactionsByKind['aws-access-key-id']).toBeGreaterThanOrEqual(1);
    });

    it('keeps the time range and the per-minute histogram of records', async () => {
      const text = [
        '2024-03-01T10:00:10Z ERROR a',
        '2024-03-01T10:00:50Z ERROR b',
        '2024-03-01T10:02:00Z ERROR c',
        '2024-03-01T09:59:00Z INFO d',
      ].join('\n');
      const { stats } = await run(text, { format: 'text' });
      expect(stats.timeRange).toEqual({ min: '2024-03-01T10:00:10.000Z', max: '2024-03-01T10:02:00.000Z' });
      expect(stats.errorsPerMinute).toEqual({ '2024-03-01T10:00': 2, '2024-03-01T10:02': 1 });
    });

    it('groups records of one template and reports the top groups with first/last seen', async () => {
      const text = [
        '2024-03-01T10:00:00Z ERROR Timeout after 30s calling 10.0.0.7:443',
        '2024-03-01T10:00:01Z ERROR User 42 not found',
        '2024-03-01T10:00:02Z ERROR Timeout after 5s calling 10.0.0.9:443',
        '2024-03-01T10:00:03Z ERROR Timeout after 12s calling 10.0.1.1:8443',
      ].join('\n');
      const { groups, records: out } = await run(text, { format: 'text' });
      const [top, second] = groups.top(2);
      expect(top).toMatchObject({ count: 3, firstSeen: { line: 1 }, lastSeen: { line: 4, timestamp: '2024-03-01T10:00:03.000Z' } });
      expect(top!.sample).toStrictEqual(out[0]);
      expect(top!.sample).not.toBe(out[0]); // a copy: the record's strings are views of the input
      expect(second!.count).toBe(1);
      expect(groups.top(1)).toHaveLength(1);
    });

    it('validates options up front, naming the option', async () => {
      const bad = records(asAsync(lineBatchesOf('x')), { source: { bucket: 'b' } as never });
      await expect(bad.next()).rejects.toThrow(ParseOptionsError);
      await expect(records(asAsync([]), { source: { bucket: 'b', key: 'k' }, format: 'nope' as never }).next())
        .rejects.toThrow(/options\.format/);
    });

    it('stops with the abort reason when the signal fires', async () => {
      const controller = new AbortController();
      const stage = records(asAsync(lineBatchesOf('ERROR a\nERROR b\n', 1)), {
        source: { bucket: 'b', key: 'k' }, format: 'text', signal: controller.signal,
      });
      await stage.next();
      controller.abort(new Error('stop'));
      await expect(stage.next()).rejects.toThrow('stop');
    });

    it('marks a record truncated when the line stage cut its line', async () => {
      const [batch] = lineBatchesOf('ERROR cut here\n');
      batch![0]!.truncated = true;
      const out: unknown[] = [];
      for await (const b of records(asAsync([batch!]), { source: { bucket: 'b', key: 'k' }, format: 'text' })) out.push(...b);
      expect(out).toMatchObject([{ truncated: true, raw: 'ERROR cut here' }]);
    });

    it('returns the source when the consumer breaks early', async () => {
      let returned = false;
      const source = (async function* () {
        try {
          for (const batch of lineBatchesOf('ERROR a\nERROR b\nERROR c\n', 1)) yield batch;
        } finally {
          returned = true;
        }
      })();
      for await (const batch of records(source, { source: { bucket: 'b', key: 'k' }, format: 'text' })) {
        expect(batch).toHaveLength(1);
        break;
      }
      expect(returned).toBe(true);
    });

    it('propagates an error of the source after yielding what came before', async () => {
      const source = (async function* () {
        yield lineBatchesOf('ERROR a\n')[0]!;
        throw new Error('socket hang up');
      })();
      const seen: number[] = [];
      await expect((async () => {
        for await (const batch of records(source, { source: { bucket: 'b', key: 'k' }, format: 'text' })) seen.push(batch.length);
      })()).rejects.toThrow('socket hang up');
      expect(seen).toEqual([1]);
    });

    it('detects the format on the first non-empty batch', async () => {
      const stats = createParseStats();
      const batches = [[], ...lineBatchesOf(fixture('alb.log'))];
      const out: unknown[] = [];
      for await (const b of records(asAsync(batches), { source: { bucket: 'b', key: 'k' }, stats })) out.push(...b);
      expect(stats.format).toBe('alb');
      expect(out).toHaveLength(2);
    });

    it('an empty object yields nothing', async () => {
      const { records: out, stats } = await run('');
      expect(out).toEqual([]);
      expect(stats.lines).toBe(0);
    });
  });
});
