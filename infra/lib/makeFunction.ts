import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Construct } from 'constructs';
import { InfraError } from './errors.js';
import { LogProcessorFunction } from './LogProcessorFunction.js';
import { packageRoot } from './packageRoot.js';
import { PrebuiltLogProcessorFunction } from './PrebuiltLogProcessorFunction.js';
import type { PrebuiltLogProcessorFunctionProps } from './PrebuiltLogProcessorFunction.js';

/** A function of the pipeline, bundled at synth (a clone) or from the shipped bundle (an installed package). */
export type LogProcessor = LogProcessorFunction | PrebuiltLogProcessorFunction;

/**
 * A function of the pipeline (the processor, the rollup writer, the backfill function): with `entry`, or when the
 * TypeScript source is there (a clone), a NodejsFunction that bundles it with esbuild at synth;
 * otherwise (an installed package, which ships no source) the bundle `npm run build` put in its
 * dist/ directory. Fails synth naming both paths when neither exists.
 */
export function makeFunction(
  scope: Construct,
  id: string,
  entry: string | undefined,
  bundle: { entry: string; prebuiltDir: string },
  props: Omit<PrebuiltLogProcessorFunctionProps, 'bundleDir'>,
): LogProcessor {
  const root = packageRoot();
  const source = entry ?? path.join(root, bundle.entry);
  if (entry !== undefined || existsSync(source)) {
    // The repository's lock file pins the bundle's dependencies; an installed package has none (the app's own is found).
    const lock = path.join(root, 'package-lock.json');
    const project = existsSync(lock) ? { depsLockFilePath: lock, projectRoot: root } : {};
    return new LogProcessorFunction(scope, id, { ...props, entry: source, ...project });
  }
  const bundleDir = path.join(root, bundle.prebuiltDir);
  if (!existsSync(path.join(bundleDir, 'index.mjs'))) {
    throw new InfraError(`the function ${id} has neither its source (${source}) nor its bundle (${bundleDir}/index.mjs): run npm run build`);
  }
  return new PrebuiltLogProcessorFunction(scope, id, { ...props, bundleDir });
}
