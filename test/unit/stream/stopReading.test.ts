import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ReadStoppedError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import { stopReading } from '../../../functions/src/stream/stopReading.js';
import { bytesOf, fromChunks } from '../../helpers/streams.js';

/** A source that yields `chunks`, then waits for ever; records whether it was returned. */
function stallingSource(chunks: string[]): AsyncIterable<Uint8Array> & { returned: boolean } {
  const state = { returned: false };
  return Object.assign(state, {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let i = 0;
      return {
        next: () => (i < chunks.length ? Promise.resolve({ done: false, value: bytesOf(chunks[i++]!) }) : new Promise<never>(() => {})),
        return: async () => {
          state.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  });
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function drain(source: AsyncIterable<Uint8Array>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of source) text += Buffer.from(chunk).toString();
    return { text, error: undefined };
  } catch (error) {
    return { text, error };
  }
}

describe('stopReading', () => {
  it('passes every byte through when the signal never fires', async () => {
    const { text, error } = await drain(stopReading(fromChunks(['a\n', 'b\n', 'c']), new AbortController().signal));
    expect(error).toBeUndefined();
    expect(text).toBe('a\nb\nc');
  });

  it('cuts a read that is waiting (a stalled body) when the signal fires: ReadStoppedError with the bytes read and the reason', async () => {
    const source = stallingSource(['12345', '678']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the deadline')), 20);
    const { text, error } = await drain(stopReading(source, controller.signal));
    expect(text).toBe('12345678');
    expect(error).toBeInstanceOf(ReadStoppedError);
    expect(error).toMatchObject({ bytesRead: 8, message: 'Reading stopped after 8 bytes: the deadline' });
    expect(source.returned).toBe(true);
  });

  it('stops between chunks once the signal has fired, reading nothing more', async () => {
    const controller = new AbortController();
    let read = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (const c of ['aa', 'bb', 'cc', 'dd']) {
        read++;
        yield bytesOf(c);
      }
    }
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const chunk of stopReading(counted(), controller.signal)) {
        seen.push(Buffer.from(chunk).toString());
        if (seen.length === 2) controller.abort(new Error('enough'));
      }
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual(['aa', 'bb']);
    expect(read).toBe(2);
    expect(error).toMatchObject({ name: 'ReadStoppedError', bytesRead: 4 });
  });

  it('an already fired signal reads nothing', async () => {
    const source = stallingSource(['x']);
    const { text, error } = await drain(stopReading(source, AbortSignal.abort(new Error('late'))));
    expect(text).toBe('');
    expect(error).toMatchObject({ name: 'ReadStoppedError', bytesRead: 0 });
  });

  it("hands on the source's own error unchanged", async () => {
    const boom = new Error('socket reset');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytesOf('ok');
      throw boom;
    }
    const { text, error } = await drain(stopReading(failing(), new AbortController().signal));
    expect(text).toBe('ok');
    expect(error).toBe(boom);
  });

  it('a consumer that breaks early returns the source', async () => {
    const source = stallingSource(['a', 'b']);
    for await (const chunk of stopReading(source, new AbortController().signal)) {
      void chunk;
      break;
    }
    expect(source.returned).toBe(true);
  });

  it('holds no chunk it has handed on while the signal has not fired (each read used to stay reachable from the pending stop)', async () => {
    const handedOn: WeakRef<Uint8Array>[] = [];
    async function* big(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 4; i++) yield new Uint8Array(1024 * 1024).fill(0x61);
    }
    const iterator = stopReading(big(), new AbortController().signal)[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) {
      const { value } = await iterator.next();
      handedOn.push(new WeakRef(value!));
    }
    // The stage is still reading (three chunks out, one to go): a WeakRef's target lives to the end of the job, then a full GC.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(handedOn.slice(0, 2).map((ref) => ref.deref() === undefined)).toEqual([true, true]);
    await iterator.return(undefined);
  });

  it('validates the signal', async () => {
    const { error } = await drain(stopReading(fromChunks(['a']), {} as AbortSignal));
    expect(error).toBeInstanceOf(StreamOptionError);
    expect((error as Error).message).toMatch(/^Option signal must be an AbortSignal/);
  });
});
