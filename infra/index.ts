export { LogProcessingPipeline } from './lib/LogProcessingPipeline.js';
export { LogProcessorFunction } from './lib/LogProcessorFunction.js';
export type { LogProcessorFunctionProps } from './lib/LogProcessorFunction.js';
export { LogsieveStack } from './lib/LogsieveStack.js';
export type { LogsieveStackProps } from './lib/LogsieveStack.js';
export { resolvePipelineSettings } from './lib/resolvePipelineSettings.js';
export { PIPELINE_DEFAULTS, PIPELINE_CONTEXT_KEYS } from './lib/constants.js';
export { InfraError, PipelineSettingsError } from './lib/errors.js';
export type { LogProcessingPipelineProps, PipelineSettings } from './lib/types.js';
