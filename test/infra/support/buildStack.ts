import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogsieveStack } from '../../../infra/lib/LogsieveStack.js';
import { LogProcessingPipeline } from '../../../infra/lib/LogProcessingPipeline.js';
import type { LogProcessingPipelineProps } from '../../../infra/lib/types.js';
import { PIPELINE_DEFAULTS } from '../../../infra/lib/constants.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HANDLER_ENTRY = path.join(REPO_ROOT, PIPELINE_DEFAULTS.entry);

/** The `context` block of cdk.json: feature flags and logsieve:* settings, as `cdk synth` sees them. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface BuiltStack {
  app: App;
  stack: LogsieveStack;
  template: Template;
}

/**
 * Builds a LogsieveStack the way infra/bin/app.ts does, with cdk.json context plus `context`.
 * `bundle: false` skips esbuild (asset hash only): bundle once per test file, in the one stack
 * whose bundle is asserted on.
 */
export function buildStack(
  options: { pipeline?: LogProcessingPipelineProps; context?: Record<string, unknown>; bundle?: boolean; outdir?: string; env?: { account: string; region: string } } = {},
): BuiltStack {
  const app = new App({
    outdir: options.outdir,
    context: { ...cdkJsonContext(), ...options.context, 'aws:cdk:bundling-stacks': options.bundle ? ['**'] : [] },
  });
  const stack = new LogsieveStack(app, 'Logsieve', {
    env: options.env ?? { account: '123456789012', region: 'eu-west-1' },
    pipeline: options.pipeline,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/**
 * Embeds a LogProcessingPipeline in a plain stack next to constructs of the caller's own (a bucket
 * with its KMS key, say), as a user's stack would; no bundling.
 *
 * @example const { template } = buildPipelineStack((stack) => ({ inputBucket: new Bucket(stack, 'Logs') }));
 */
export function buildPipelineStack(props: (stack: Stack) => LogProcessingPipelineProps): { stack: Stack; pipeline: LogProcessingPipeline; template: Template } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Host', { env: { account: '123456789012', region: 'eu-west-1' } });
  const pipeline = new LogProcessingPipeline(stack, 'Pipeline', props(stack));
  return { stack, pipeline, template: Template.fromStack(stack) };
}
