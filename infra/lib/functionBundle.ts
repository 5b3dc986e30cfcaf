/**
 * How the processing function is bundled, in one place for both paths that build it: the
 * NodejsFunction of {@link LogProcessorFunction} (at synth, from the TypeScript source in a clone)
 * and `npm run build` (dist/function/index.mjs, the bundle an installed package ships). No CDK
 * import here: the build script reads it without loading aws-cdk-lib.
 */
export const FUNCTION_BUNDLE = {
  /** Repository-relative TypeScript entry of the handler. */
  entry: 'functions/handlers/processLog.ts',
  /** Package-relative directory of the pre-built bundle: `index.mjs` and `index.mjs.map`, handler `index.handler`. */
  prebuiltDir: 'dist/function',
  handler: 'index.handler',
  target: 'node22',
  mainFields: ['module', 'main'],
  /** NODE_OPTIONS of every deployed function (houseFunctionProps); bench:e2e runs the bundle with them too. */
  nodeOptions: '--enable-source-maps',
  /** esbuild's ESM output calls require() for Node built-ins pulled in by CommonJS dependencies. */
  banner: "import { createRequire as __logsieveCreateRequire } from 'node:module'; const require = __logsieveCreateRequire(import.meta.url);",
} as const;

/**
 * The scheduled rollup writer, bundled like the processing function: from its TypeScript entry in a
 * clone, from `npm run build`'s dist/rollup-writer when installed.
 */
export const ROLLUP_WRITER_BUNDLE = {
  entry: 'functions/handlers/writeRollups.ts',
  prebuiltDir: 'dist/rollup-writer',
} as const;

/** The backfill function (one manifest item, or the report), bundled like the others. */
export const BACKFILL_BUNDLE = {
  entry: 'functions/handlers/backfill.ts',
  prebuiltDir: 'dist/backfill',
} as const;
