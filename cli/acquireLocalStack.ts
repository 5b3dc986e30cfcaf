import { startLocalStack } from '../dev/localstack/harness.js';
import type { LocalStackHandle } from '../dev/localstack/harness.js';
import { servicesReady } from '../dev/localstack/hostLocalStack.js';
import { EndpointUnreachableError } from './errors.js';
import type { CliIO } from './types.js';

/**
 * LocalStack for a command: the one `LOCALSTACK_ENDPOINT` names in the command's environment
 * (checked for s3 and sqs, never started or stopped), else whatever the harness provides
 * (container, or LocalStack on the host, installed on first use). The harness reads
 * `process.env`; the command's own `io.env` decides here, so a test's environment is honoured.
 *
 * @example const localstack = await acquireLocalStack(io); try { … } finally { await localstack.stop(); }
 */
export async function acquireLocalStack(io: CliIO): Promise<LocalStackHandle> {
  const given = io.env.LOCALSTACK_ENDPOINT?.trim().replace(/\/+$/, '');
  if (given) {
    if (!(await servicesReady(given))) {
      throw new EndpointUnreachableError(given, `LOCALSTACK_ENDPOINT=${given} does not answer with s3 and sqs available; is LocalStack running?`);
    }
    return { endpoint: given, mode: 'endpoint', description: `LocalStack at LOCALSTACK_ENDPOINT=${given}`, stop: async () => {} };
  }
  return startLocalStack((line) => io.err(`[localstack] ${line}\n`));
}
