import { afterAll } from 'vitest';
import { startHostLocalStack } from '../../dev/localstack/hostLocalStack.js';
import type { LocalStackHandle } from '../../dev/localstack/types.js';

/**
 * For a describe block that needs a LocalStack of its own on the host (one it may kill, or whose
 * process it reads), apart from the run's shared one: returns the function that starts it, and
 * stops what was started once the block ends.
 */
export function ownHostLocalStack(): () => Promise<LocalStackHandle> {
  let handle: LocalStackHandle | undefined;
  afterAll(async () => handle?.stop());
  return async () => (handle = await startHostLocalStack(() => {}));
}
