import { LOCALSTACK } from './constants.js';
import { LocalStackError, LocalStackUnavailableError } from './errors.js';
import { startHostLocalStack, servicesReady } from './hostLocalStack.js';
import type { Progress } from './installLocalStack.js';
import type { LocalStackHandle } from './types.js';

export type { LocalStackHandle, LocalStackMode } from './types.js';

const defaultProgress: Progress = (line) => process.stderr.write(`[localstack] ${line}\n`);

/**
 * Provides a LocalStack endpoint, trying in order: `LOCALSTACK_ENDPOINT`; a container through
 * testcontainers when a Docker engine answers (image {@link LOCALSTACK.image}, `LOCALSTACK_IMAGE`
 * overrides, `LOCALSTACK_AUTH_TOKEN` passed through); LocalStack run on the host from the
 * project's venv. Fails with every path's reason when none works; never pretends.
 *
 * @example
 * const ls = await startLocalStack();
 * try { use(ls.endpoint); } finally { await ls.stop(); }
 */
export async function startLocalStack(progress: Progress = defaultProgress): Promise<LocalStackHandle> {
  const attempts: string[] = [];

  const given = process.env.LOCALSTACK_ENDPOINT?.trim();
  if (given) {
    const endpoint = given.replace(/\/+$/, '');
    if (!(await servicesReady(endpoint))) {
      throw new LocalStackUnavailableError([
        `LOCALSTACK_ENDPOINT=${given}: /_localstack/health does not report ${LOCALSTACK.requiredServices.join(', ')} available`,
      ]);
    }
    return { endpoint, mode: 'endpoint', description: `LocalStack at LOCALSTACK_ENDPOINT=${endpoint}`, stop: async () => {} };
  }
  attempts.push('LOCALSTACK_ENDPOINT: not set');

  const container = await startContainer(progress).catch((err: unknown) => {
    attempts.push(`Docker via testcontainers: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  if (container) return container;

  try {
    return await startHostLocalStack(progress);
  } catch (err) {
    attempts.push(`host (localstack-core ${LOCALSTACK.version} in .localstack/venv): ${err instanceof LocalStackError ? err.message : String(err)}`);
    throw new LocalStackUnavailableError(attempts, { cause: err });
  }
}

async function startContainer(progress: Progress): Promise<LocalStackHandle> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  // Throws at once ("Could not find a working container runtime strategy") where no engine answers.
  await getContainerRuntimeClient();
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const image = process.env.LOCALSTACK_IMAGE?.trim() || LOCALSTACK.image;
  progress(`starting container ${image}`);
  // LocalStack's own gateway server (twisted) here: the hook that makes hypercorn safe (LOCALSTACK.gatewayServer) is
  // in the project's plugin, which the image does not have.
  let container = new LocalstackContainer(image);
  const token = process.env.LOCALSTACK_AUTH_TOKEN;
  if (token) container = container.withEnvironment({ LOCALSTACK_AUTH_TOKEN: token });
  const started = await container.start();
  const endpoint = started.getConnectionUri();
  return {
    endpoint,
    mode: 'container',
    description: `LocalStack container ${image} at ${endpoint}`,
    stop: async () => {
      await started.stop();
    },
  };
}
