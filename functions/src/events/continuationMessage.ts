import { ContinuationMessageError } from './errors.js';
import type { ObjectRef } from './types.js';

/** The version tag of a continuation message; a message with another `logsieve` value is refused. */
export const CONTINUATION_MESSAGE = 'continuation/1';

/**
 * What an invocation that stopped at its deadline sends so that the next one resumes the object:
 * the object, and the checkpoint it saved (key and sequence, the number of invocations done). The
 * checkpoint, not the message, is the truth: the message only says where to look, so a duplicate or
 * late message is harmless (see `processObject`). About 300 bytes plus the keys, far below SQS's 256 KiB.
 *
 * @example { "logsieve": "continuation/1", "bucket": "logs", "key": "app.log", "etag": "9b2c…", "checkpointKey": "logsieve/checkpoints/app.log.json", "sequence": 1 }
 */
export interface ContinuationMessage {
  logsieve: typeof CONTINUATION_MESSAGE;
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  checkpointKey: string;
  /** Invocations saved in the checkpoint when the message was sent (0: a hand-over, see `processObject`). */
  sequence: number;
  /** The checkpoint's `token`: the message it waits for (none: a hand-over, which may take only an orphaned checkpoint). */
  token?: string;
}

/**
 * The continuation message for `ref`, whose checkpoint `checkpointKey` was saved after `sequence`
 * invocations.
 *
 * @example continuationMessage({ bucket: 'logs', key: 'app.log' }, 'logsieve/checkpoints/app.log.json', 1)
 */
export function continuationMessage(ref: ObjectRef, checkpointKey: string, sequence: number, token?: string): ContinuationMessage {
  return {
    logsieve: CONTINUATION_MESSAGE,
    bucket: ref.bucket,
    key: ref.key,
    ...(ref.versionId ? { versionId: ref.versionId } : {}),
    ...(ref.etag ? { etag: ref.etag } : {}),
    checkpointKey,
    sequence,
    ...(token ? { token } : {}),
  };
}

/** True when `payload` says it is a logsieve continuation message (valid or not): it has a `logsieve` field. */
export function isContinuationPayload(payload: Record<string, unknown>): boolean {
  return 'logsieve' in payload;
}

/**
 * The object a continuation message names, with its `continuation` set.
 *
 * @throws ContinuationMessageError naming the field that is missing or wrong.
 */
export function continuationRef(payload: Record<string, unknown>, messageId?: string): ObjectRef {
  const fail = (field: string, what: string): never => {
    throw new ContinuationMessageError(`${field} ${what}`, field, messageId);
  };
  if (payload.logsieve !== CONTINUATION_MESSAGE) fail('logsieve', `must be "${CONTINUATION_MESSAGE}", got ${JSON.stringify(payload.logsieve)}`);
  const text = (field: string, optional = false): string | undefined => {
    const v = payload[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v === '') return fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const bucket = text('bucket')!;
  const key = text('key')!;
  const checkpointKey = text('checkpointKey')!;
  const versionId = text('versionId', true);
  const etag = text('etag', true);
  const token = text('token', true);
  const sequence = payload.sequence;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 0) fail('sequence', `must be an integer ≥ 0, got ${JSON.stringify(sequence)}`);
  return {
    bucket,
    key,
    ...(versionId ? { versionId } : {}),
    ...(etag ? { etag } : {}),
    continuation: { checkpointKey, sequence: sequence as number, ...(token ? { token } : {}) },
  };
}
