import { ConfigError } from '../functions/src/config/errors.js';
import { RulesConfigError } from '../functions/src/parse/errors.js';
import { S3ReadError } from '../functions/src/stream/errors.js';
import { LocalStackUnavailableError } from '../dev/localstack/errors.js';
import { CliConfigError, CliError, EndpointUnreachableError, NotFoundError } from './errors.js';

/** Socket-level failures that mean "nothing answered there". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);
/** AWS error names that mean the bucket, key or queue named does not exist. */
const MISSING_NAMES = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/**
 * Turns whatever a command threw into a {@link CliError} with the exit code it deserves, looking
 * through the `cause` chain (the pipeline wraps SDK errors in its own): a missing key or bucket is
 * {@link NotFoundError} (3), a refused or unresolvable endpoint {@link EndpointUnreachableError}
 * (4), a bad rule or setting {@link CliConfigError} (5); anything else keeps its message, code 1.
 *
 * @example process.exitCode = toCliError(err, { endpoint }).exitCode;
 */
export function toCliError(err: unknown, context: { endpoint?: string | undefined } = {}): CliError {
  if (err instanceof CliError) return err;
  const chain = causes(err);
  const where = context.endpoint ?? 'AWS';

  const unreachable = chain.find((e) => UNREACHABLE_CODES.has(String((e as { code?: unknown }).code)) || e.name === 'TimeoutError');
  if (unreachable) {
    const code = String((unreachable as { code?: unknown }).code ?? unreachable.name);
    return new EndpointUnreachableError(where, `cannot reach ${where} (${code}); is LocalStack running? (logsieve up, or set LOCALSTACK_ENDPOINT)`, { cause: err });
  }
  const localstack = chain.find((e): e is LocalStackUnavailableError => e instanceof LocalStackUnavailableError);
  if (localstack) {
    return new EndpointUnreachableError('LocalStack', `LocalStack is not available: ${localstack.attempts.join('; ')}`, { cause: err });
  }
  const read = chain.find((e): e is S3ReadError => e instanceof S3ReadError);
  if (read && (read.code === 'NoSuchKey' || read.code === 'NoSuchBucket')) {
    const what = read.code === 'NoSuchKey' ? 'no such object' : 'no such bucket';
    return new NotFoundError(`s3://${read.bucket}/${read.key}`, `s3://${read.bucket}/${read.key}: ${what}`, { cause: err });
  }
  const missing = chain.find((e) => MISSING_NAMES.has(e.name));
  if (missing) return new NotFoundError(where, `not found: ${missing.message || missing.name}`, { cause: err });
  const config = chain.find((e): e is ConfigError => e instanceof ConfigError);
  if (config) return new CliConfigError(config.setting, config.message, { cause: err });
  const rules = chain.find((e): e is RulesConfigError => e instanceof RulesConfigError);
  if (rules) return new CliConfigError(`rules.${rules.field}`, rules.message, { cause: err });

  const message = err instanceof Error ? err.message : String(err);
  return new CliError(message.split('\n')[0] ?? message, undefined, { cause: err });
}

/** The error and its causes (and an AggregateError's errors), outermost first, bounded against cycles. */
function causes(err: unknown): Error[] {
  const out: Error[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift();
    if (!(e instanceof Error) || out.includes(e)) continue;
    out.push(e);
    if (e.cause !== undefined) queue.push(e.cause);
    if (e instanceof AggregateError) queue.push(...(e.errors as unknown[]));
  }
  return out;
}
