import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors.js';
import { parseS3Uri } from '../../../cli/parseS3Uri.js';

describe('parseS3Uri', () => {
  it('splits bucket and key, keeping slashes and spaces in the key', () => {
    expect(parseS3Uri('s3://logs/app/2026/x y.log.gz', 'input')).toEqual({ bucket: 'logs', key: 'app/2026/x y.log.gz' });
  });

  it('accepts a bare bucket or a prefix where no key is required', () => {
    expect(parseS3Uri('s3://out', '--out', { keyRequired: false })).toEqual({ bucket: 'out', key: '' });
    expect(parseS3Uri('s3://out/run-1/', '--out', { keyRequired: false })).toEqual({ bucket: 'out', key: 'run-1/' });
  });

  it.each(['s3://', 's3:///key', 'http://logs/key', 's3://logs', 's3://logs/'])('rejects %s naming the option', (uri) => {
    expect(() => parseS3Uri(uri, '<input>')).toThrow(UsageError);
    expect(() => parseS3Uri(uri, '<input>')).toThrow(/^<input>: expected s3:\/\/bucket\/key/);
  });
});
