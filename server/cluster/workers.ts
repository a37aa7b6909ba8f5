/**
 * `npm start -- --workers N`: N server processes on one machine behind one port. The primary
 * accepts every connection and hands it to a worker (routing.ts): a Socket.io connection's HTTP
 * long-polling requests to the worker that holds it, a connection naming its session (`session=`
 * in the query) to the worker that owns that session, anything else to the least loaded worker.
 * The workers share the PostgreSQL database (event store, leases, Socket.io adapter), so any
 * worker serves any session (through the relay when it is not the owner). A worker that dies is
 * started again; meanwhile the others take its sessions over.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeConnections, RoutingTable } from './routing.ts';

/** The message a worker sends the primary once it serves (see server/main.ts). */
export const WORKER_READY = 'parley:worker-ready';

/** `--workers N` from the command line: 1 without it. Throws a message for a bad value. */
export function workersFromArgs(args: readonly string[]): number {
  const i = args.findIndex((a) => a === '--workers' || a.startsWith('--workers='));
  if (i < 0) return 1;
  const raw = args[i].includes('=') ? args[i].slice('--workers='.length) : args[i + 1];
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1 || n > 256) throw new Error(`--workers takes a whole number from 1 to 256, not "${raw ?? ''}"`);
  return n;
}

export interface PrimaryOptions {
  workers: number;
  port: number;
  host?: string;
  /** the workers' environment on top of this process's (the admin token resolved once, so workers agree) */
  env: Record<string, string>;
  log(message: string): void;
}

/**
 * Run the primary: listen, fork the workers, restart any that dies. Resolves with the port once
 * every worker serves, and a function that stops them all.
 */
export async function runPrimary(options: PrimaryOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const httpServer = createServer();
  const router = routeConnections(httpServer, new RoutingTable());
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;

  // the router hands request bytes (Buffers) to the workers over IPC: JSON would turn them into objects
  cluster.setupPrimary({ serialization: 'advanced' });
  let stopping = false;
  // the workers' links and logs name the primary's port: it is where clients connect
  const fork = (): Worker => cluster.fork({ ...options.env, PORT: String(port) });
  const ready = new Set<number>();
  const allReady = new Promise<void>((resolve) => {
    cluster.on('message', (worker, message) => {
      if (message !== WORKER_READY) return;
      ready.add(worker.id);
      if (ready.size === options.workers) resolve();
    });
  });
  // a worker that dies soon after it started (the database is down, a bad setting) is started again
  // after a growing pause, so a failing start does not become a busy loop of forks and stack traces
  const startedAt = new Map<number, number>();
  let pauseMs = 0;
  cluster.on('fork', (worker) => startedAt.set(worker.id, Date.now()));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    pauseMs = lived < 10_000 ? Math.min(30_000, Math.max(500, pauseMs * 2)) : 0;
    options.log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another${pauseMs ? ` in ${pauseMs} ms` : ''} (its sessions are taken over meanwhile)`);
    setTimeout(() => {
      if (!stopping) fork();
    }, pauseMs).unref();
  });
  for (let i = 0; i < options.workers; i++) fork();
  await allReady;

  return {
    port,
    async stop() {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.process.kill('SIGTERM');
            }),
        ),
      );
      // not waiting for 'close': the server counts the sockets it handed over until their worker
      // acknowledged them, and a worker that was SIGKILLed never will; the workers are gone anyway
      httpServer.close();
      router.closeAll();
    },
  };
}
