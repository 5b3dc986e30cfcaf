import { UsageError } from './errors.js';

/**
 * Splits `s3://bucket/key` (or `s3://bucket/prefix/` for an output location) into its parts;
 * a malformed URI is a {@link UsageError} naming the option.
 *
 * @example parseS3Uri('s3://logs/app/x.log.gz', 'input') // { bucket: 'logs', key: 'app/x.log.gz' }
 */
export function parseS3Uri(uri: string, option: string, { keyRequired = true } = {}): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  const bucket = match?.[1];
  const key = match?.[2] ?? '';
  if (!bucket || (keyRequired && key === '')) {
    throw new UsageError(`${option}: expected s3://bucket/${keyRequired ? 'key' : '[prefix/]'}, got "${uri}"`);
  }
  return { bucket, key };
}
