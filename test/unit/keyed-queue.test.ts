// The keyed queue the study flow and the quick-play cap serialise their read-modify-writes with (server/keyed-queue.ts).
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../server/keyed-queue.ts';

/** A promise the test settles when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('runs one key\'s work one piece at a time in order, other keys alongside, and forgets a key when its work is done', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a1 = queue.run('__proto__', async () => {
      log.push('a1 start');
      await first.promise;
      log.push('a1 end');
      return 1;
    });
    const a2 = queue.run('__proto__', async () => {
      log.push('a2');
      return 2;
    });
    const b = queue.run('constructor', async () => {
      log.push('b');
      return 3;
    });
    expect(await b).toBe(3);
    // b ran while a1 was still waiting; a2 waits for a1
    expect(log).toEqual(['a1 start', 'b']);
    first.open();
    expect(await Promise.all([a1, a2])).toEqual([1, 2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
    await Promise.resolve();
    expect(queue.size).toBe(0);
  });

  it('a failed piece rejects alone; the next piece of the key still runs', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('s', async () => {
      throw new Error('bad request');
    });
    const next = queue.run('s', async () => 'ran');
    await expect(failed).rejects.toThrow('bad request');
    expect(await next).toBe('ran');
  });
});
