/**
 * The esbuild half of `npm run build` (tsc emits the library and the construct):
 *   - dist/function/index.mjs (+ .map): the Lambda handler, bundled as the construct's NodejsFunction
 *     bundles it (FUNCTION_BUNDLE), for installed packages that have no TypeScript source;
 *   - dist/cli/logsieve.mjs: the `logsieve` command in one file with a shebang, every dependency
 *     inside (an installed CLI needs no node_modules of its own); modules a command imports
 *     dynamically stay unevaluated until that command runs.
 * Prints one line per output with its size.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { BACKFILL_BUNDLE, FUNCTION_BUNDLE, ROLLUP_WRITER_BUNDLE } from '../../infra/lib/functionBundle.js';
import { REPO_ROOT } from '../localstack/constants.js';

export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli', 'logsieve.mjs');
export const FUNCTION_BUNDLE_FILE = path.join(REPO_ROOT, FUNCTION_BUNDLE.prebuiltDir, 'index.mjs');
export const ROLLUP_WRITER_BUNDLE_FILE = path.join(REPO_ROOT, ROLLUP_WRITER_BUNDLE.prebuiltDir, 'index.mjs');
export const BACKFILL_BUNDLE_FILE = path.join(REPO_ROOT, BACKFILL_BUNDLE.prebuiltDir, 'index.mjs');

const common: BuildOptions = {
  absWorkingDir: REPO_ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  mainFields: [...FUNCTION_BUNDLE.mainFields],
  minify: true,
  logLevel: 'warning',
  legalComments: 'none',
};

for (const [entry, outfile] of [[FUNCTION_BUNDLE.entry, FUNCTION_BUNDLE_FILE], [ROLLUP_WRITER_BUNDLE.entry, ROLLUP_WRITER_BUNDLE_FILE], [BACKFILL_BUNDLE.entry, BACKFILL_BUNDLE_FILE]] as const) {
  await build({
    ...common,
    entryPoints: [entry],
    outfile,
    target: FUNCTION_BUNDLE.target,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: FUNCTION_BUNDLE.banner },
  });
}

await build({
  ...common,
  entryPoints: ['cli/bin.ts'],
  outfile: CLI_BUNDLE,
  target: 'node20',
  // Error classes set their own name; kept anyway so stack traces under LOGSIEVE_DEBUG=1 read.
  keepNames: true,
  banner: { js: `#!/usr/bin/env node\n${FUNCTION_BUNDLE.banner}` },
  // Development-only: the harness's Docker path imports them lazily and falls back to the host
  // LocalStack when they are missing, as they are in an installed package.
  external: ['testcontainers', '@testcontainers/localstack'],
});

for (const file of [FUNCTION_BUNDLE_FILE, ROLLUP_WRITER_BUNDLE_FILE, BACKFILL_BUNDLE_FILE, CLI_BUNDLE]) {
  console.log(`${path.relative(REPO_ROOT, file)}: ${((await stat(file)).size / 1024).toFixed(0)} KiB`);
}
