// setTimeout for polling that a background tab does not throttle (see ticker.worker.ts); falls
// back to the page's own timers where a worker cannot start.
let worker: Worker | null | undefined;
let nextId = 0;
const callbacks = new Map<number, () => void>();

function theWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./ticker.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<number>) => {
      const callback = callbacks.get(event.data);
      callbacks.delete(event.data);
      callback?.();
    };
    worker.onerror = () => {
      // the worker failed to load: run what was waiting, and use the page's timers from now on
      worker = null;
      const waiting = [...callbacks.values()];
      callbacks.clear();
      for (const callback of waiting) window.setTimeout(callback, 0);
    };
  } catch {
    worker = null;
  }
  return worker;
}

/** Run `callback` after `ms`; the answer cancels it. */
export function later(callback: () => void, ms: number): () => void {
  const w = theWorker();
  if (!w) {
    const timer = window.setTimeout(callback, ms);
    return () => window.clearTimeout(timer);
  }
  const id = ++nextId;
  callbacks.set(id, callback);
  w.postMessage({ id, ms });
  return () => {
    if (!callbacks.delete(id)) return;
    w.postMessage({ id, cancel: true });
  };
}
