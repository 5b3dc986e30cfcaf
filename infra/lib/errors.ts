/** Base class of the infrastructure module's errors. */
export class InfraError extends Error {
  override name = 'InfraError';
}

/**
 * A pipeline setting (construct prop or `logsieve:*` context key) is invalid. `setting` names it;
 * the message says what was expected and what came.
 */
export class PipelineSettingsError extends InfraError {
  override name = 'PipelineSettingsError';
  readonly setting: string;

  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(`logsieve setting "${setting}" ${problem}`, options);
    this.setting = setting;
  }
}
