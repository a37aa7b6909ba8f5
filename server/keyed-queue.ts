/**
 * One queue per key (a study id; the quick-play cap uses one key): work for a key runs one piece
 * at a time, in the order it was queued; different keys run concurrently.
 *
 * Why: the study flow reads a participant (or a study's waiting room), decides, and writes. With the
 * store async, two requests could otherwise interleave between their read and their write — a
 * repeated request would be applied twice instead of answered from `lastRequest`, two lobby
 * passes could seat one participant at two tables, two newcomers could both take an arm's last
 * place. Serialising each study's state-changing work keeps every read-modify-write atomic within
 * this process; StudyFlow.exclusive adds the store's lock per study for processes sharing a database.
 */
export class KeyedQueue {
  /** the tail of each key's chain; removed when the chain runs dry, so the map stays small */
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `work` after everything queued before it for `key`; resolves (or rejects) with its result. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    // the next piece waits for this one to settle, whether it succeeded or failed
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** keys with work queued or running (for tests) */
  get size(): number {
    return this.tails.size;
  }
}
