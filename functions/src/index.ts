/**
 * The logsieve pipeline for embedding in your own function or tool (package entry `logsieve`):
 * one object end to end (`processObject`: S3 → records → outputs), the bytes-only core
 * (`analyzeBytes`: any byte stream → records, groups and counts), one trigger (`handleEvent`), the
 * async-iterable stages they are built from, and the summary and record types.
 *
 * @example
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { loadConfig, processObject } from 'logsieve';
 * const config = loadConfig(process.env); // LOGSIEVE_OUTPUT_BUCKET and the other LOGSIEVE_* settings
 * const result = await processObject({ s3: new S3Client({}), config }, { bucket: 'my-logs', key: 'app/2026/11/26/orders.log.gz' });
 */
export { processObject } from './pipeline/processObject.js';
export type { ProcessDeps, ProcessOptions, ProcessResult, Progress } from './pipeline/processObject.js';
export { analyzeBytes } from './pipeline/analyzeBytes.js';
export type { AnalyzeOptions, Analysis, RecordsWriter } from './pipeline/analyzeBytes.js';
export { CHECKPOINT_VERSION, parseCheckpoint } from './pipeline/checkpoint.js';
export type { AnalysisCheckpoint, AnalysisState, ResumePosition } from './pipeline/checkpoint.js';
export { buildSummary } from './pipeline/buildSummary.js';
export type { SummaryInput } from './pipeline/buildSummary.js';
export { handleEvent } from './pipeline/handleEvent.js';
export type { HandlerDeps, ObjectOutcome } from './pipeline/handleEvent.js';
export { outputKeys } from './pipeline/outputKeys.js';
export type { OutputKeys } from './pipeline/outputKeys.js';
export { SUMMARY_SCHEMA } from './pipeline/types.js';
export type { Summary, SummaryGroup } from './pipeline/types.js';
export { PipelineError, ObjectAccessDeniedError, InvocationDeadlineError, ObjectNotFinishedError, CheckpointError } from './pipeline/errors.js';
export { loadConfig } from './config/loadConfig.js';
export { ConfigError } from './config/errors.js';
export type { Config } from './config/types.js';
export { triggerContent } from './events/triggerContent.js';
export type { ObjectRef, TriggerContent } from './events/types.js';
export { writeErrorRecords } from './output/writeErrorRecords.js';
export type { ErrorPart, WriteErrorRecordsOptions } from './output/writeErrorRecords.js';
export { writeRecordsFile } from './output/writeRecordsFile.js';
export type { WriteRecordsFileOptions } from './output/writeRecordsFile.js';
export { renderReport } from './output/renderReport.js';
export * from './stream/index.js';
export * from './parse/index.js';
