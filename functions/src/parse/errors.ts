/** Base class of every error the parse module throws. */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The rules configuration is invalid; `field` names the offending field (`include[2]`, `minLevel`). */
export class RulesConfigError extends ParseError {
  override name = 'RulesConfigError';
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, expected: string, value: unknown, options?: { cause?: unknown }) {
    super(`rules.${field}: expected ${expected}, got ${describe(value)}`, options);
    this.field = field;
    this.value = value;
  }
}

/** An option passed to a parse-stage function is invalid; `option` names it. */
export class ParseOptionsError extends ParseError {
  override name = 'ParseOptionsError';
  readonly option: string;
  constructor(option: string, expected: string, value: unknown) {
    super(`${option}: expected ${expected}, got ${describe(value)}`);
    this.option = option;
  }
}

/** The CloudTrail document is not valid JSON, or not `{"Records":[…]}`. */
export class CloudTrailParseError extends ParseError {
  override name = 'CloudTrailParseError';
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** Byte offset near which the parser failed. */
  readonly byteOffset: number;
  constructor(message: string, context: { bucket?: string; key?: string; byteOffset: number }, options?: { cause?: unknown }) {
    super(`${message} (${context.key ?? 'object'} near byte ${context.byteOffset})`, options);
    this.bucket = context.bucket;
    this.key = context.key;
    this.byteOffset = context.byteOffset;
  }
}

/** A CloudWatch Logs subscription object is not valid JSON, or holds something that is not an envelope. */
export class CloudWatchLogsParseError extends ParseError {
  override name = 'CloudWatchLogsParseError';
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** Uncompressed byte offset near which the parser failed. */
  readonly byteOffset: number;
  /** 1-based number of the last envelope begun before the damage (0: none); the damage may follow its end. */
  readonly envelope: number;
  constructor(
    message: string,
    context: { bucket?: string | undefined; key?: string | undefined; byteOffset: number; envelope: number },
    options?: { cause?: unknown },
  ) {
    super(`${message} (${context.key ?? 'object'} near byte ${context.byteOffset}, envelope ${context.envelope})`, options);
    this.bucket = context.bucket;
    this.key = context.key;
    this.byteOffset = context.byteOffset;
    this.envelope = context.envelope;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof RegExp) return String(value);
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
