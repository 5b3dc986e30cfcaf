import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../functions/src/parse/detectFormat.js';
import { sniffFormat } from '../../../functions/src/parse/sniffFormat.js';
import { fixture } from './helpers.js';

const lines = (name: string): string[] => fixture(name).split('\n');

describe('detectFormat', () => {
  it.each([
    ['alb.log', 'alb'],
    ['cloudfront.log', 'cloudfront'],
    ['s3-access.log', 's3-access'],
    ['vpc-flow.log', 'vpc-flow'],
    ['pino.ndjson', 'json'],
    ['waf.ndjson', 'waf'],
    ['syslog.log', 'syslog'],
    ['logfmt.log', 'logfmt'],
    ['access.log', 'access'],
    ['java-stack.log', 'text'],
    ['python-traceback.log', 'text'],
    ['lambda-node.log', 'text'],
  ])('%s is %s', (name, format) => {
    expect(detectFormat(lines(name))).toBe(format);
  });

  it('reads a VPC record without header by its shape', () => {
    expect(detectFormat(lines('vpc-flow.log').slice(1))).toBe('vpc-flow');
  });

  it('does not take a JSON body printed over several lines for JSON lines', () => {
    const lines = ['START RequestId: 1 Version: $LATEST', 'EVENT:', '{', '  "key": "value"', '}', 'CONTEXT:', '{', '}', 'END RequestId: 1'];
    expect(detectFormat(lines)).toBe('unknown');
  });

  it('falls back to unknown, never throws, for lines it cannot place', () => {
    expect(detectFormat(['hello', 'world'])).toBe('unknown');
    expect(detectFormat([])).toBe('unknown');
  });

  it('uses the key only to break ties', () => {
    expect(detectFormat([], 'AWSLogs/1/elasticloadbalancing/x.log.gz')).toBe('alb');
    // The content wins over a misleading key.
    expect(detectFormat(lines('pino.ndjson'), 'AWSLogs/1/vpcflowlogs/x.log.gz')).toBe('json');
  });
});

describe('sniffFormat', () => {
  it('routes a Records document to cloudtrail, even pretty-printed or with a BOM', () => {
    expect(sniffFormat(Buffer.from(fixture('cloudtrail.json').slice(0, 40)))).toBe('cloudtrail');
    expect(sniffFormat(Buffer.from('\uFEFF{\n  "Records": [\n    {'))).toBe('cloudtrail');
  });

  it('gives the line format otherwise', () => {
    expect(sniffFormat(Buffer.from(fixture('alb.log')))).toBe('alb');
    expect(sniffFormat(Buffer.from(fixture('cloudfront.log')))).toBe('cloudfront');
  });
});
