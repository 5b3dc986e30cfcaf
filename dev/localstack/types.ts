/** How the harness obtained LocalStack. */
export type LocalStackMode = 'endpoint' | 'container' | 'host';

/** A running (or given) LocalStack, and how to let go of it. */
export interface LocalStackHandle {
  /** Base URL, e.g. `http://127.0.0.1:4566`. */
  endpoint: string;
  mode: LocalStackMode;
  /** One line for logs and test output: which path was used and where its log is. */
  description: string;
  /** LocalStack's process id, when the harness started it on the host. */
  pid?: number;
  /** LocalStack's own log, when the harness started it on the host. */
  logFile?: string;
  /** Stops what the harness started; a no-op for a given endpoint. */
  stop(): Promise<void>;
}
