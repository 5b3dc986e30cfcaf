import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import { startLocalStack } from '../dev/localstack/harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the LocalStack every integration test talks to. */
    localstackEndpoint: string;
    /** Which path the harness took: endpoint, container or host. */
    localstackMode: string;
  }
}

/** Starts (or finds) one LocalStack for the whole run and stops what it started at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const localstack = await startLocalStack();
  console.log(`[localstack] tests use: ${localstack.description}`);
  project.provide('localstackEndpoint', localstack.endpoint);
  project.provide('localstackMode', localstack.mode);
  return async () => {
    await localstack.stop();
  };
}
