// Timers for the study's polling, run in a worker: browsers slow a background tab's own timers
// down to once a minute after a few minutes, which would make a waiting participant who switched
// tabs look absent (presence counts polls of the last 6 s). A worker's timers keep their pace.
const timers = new Map<number, ReturnType<typeof setTimeout>>();

self.onmessage = (event: MessageEvent<{ id: number; ms: number } | { id: number; cancel: true }>) => {
  const message = event.data;
  const old = timers.get(message.id);
  if (old !== undefined) clearTimeout(old);
  timers.delete(message.id);
  if ('cancel' in message) return;
  timers.set(
    message.id,
    setTimeout(() => {
      timers.delete(message.id);
      self.postMessage(message.id);
    }, message.ms),
  );
};
