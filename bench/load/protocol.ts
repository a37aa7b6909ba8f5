// What the server bench's parent process and its load-generator workers (bench/load/worker.ts) say to
// each other over the child-process IPC channel. One job per worker; the parent holds every worker at
// the same point (all connected and fast-forwarded) before it starts the measured window.

/**
 * Which server the worker plays on: Parley's protocol, the boardgame.io twin's (bench/bgio), or the
 * bare socket.io floor (bench/floor/server.ts).
 */
export type Target = 'parley' | 'bgio' | 'floor';

export interface LoadJob {
  target: Target;
  url: string;
  /** Parley's admin token, to create sessions (unused for bgio, whose lobby API is open) */
  adminToken: string;
  /** tables (sessions / matches) this worker keeps */
  tables: number;
  /** first table's seed; table i of this worker uses seedBase + i (replacements continue the count) */
  seedBase: number;
  /** Parley only: game, preset and config overrides of every session */
  game: string;
  preset: string;
  config?: Record<string, unknown>;
  /** Parley only: one spectator socket per table too (its bytes are counted) */
  spectator: boolean;
  /** Parley only: 'patch' asks for incremental updates (auth.updates), if this build has them */
  updates: 'full' | 'patch';
  /** null: act at once (flat out); else each act waits a think time drawn uniformly from [min, max] ms */
  thinkMs: [number, number] | null;
  /**
   * Before the measured window, tables are played at once up to this many log versions: a fixed
   * number, or `random` below `randomMax` per table (so all phases are covered). 0 = none.
   */
  fastForward: number | { randomMax: number };
  /** during the window, seats stop acting once their table's version reaches this (null = play to the end) */
  stopAtVersion: number | null;
  /** a table whose game ends is replaced by a new one (keeps the count of connected clients) */
  replaceFinished: boolean;
  /** sockets opened at once while connecting */
  connectBatch: number;
  /**
   * Parley only: send the session id as the `session` query (a routing hint, docs/protocol.md), so
   * that behind `--workers` each table's sockets land on the worker that runs it. Default true.
   */
  sessionHint?: boolean;
}

export type ParentMessage = { type: 'job'; job: LoadJob } | { type: 'measure' } | { type: 'stop' };

/** What one worker measured in the window. */
export interface WorkerReport {
  /** actions accepted (Parley: ok acks; bgio: the seat's move count grew) */
  actions: number;
  /** act → ack latencies (ms); empty for bgio, which sends no acks */
  ackMs: number[];
  /** act → the first state that includes the action (ms) */
  stateMs: number[];
  /** bytes (UTF-16 code units of the websocket frames' text, ≈ bytes for JSON) received by every socket */
  bytesReceived: number;
  /** messages received by every socket */
  messages: number;
  /** this worker's CPU time in the window (ms) */
  cpuMs: number;
  seconds: number;
  /** clients connected at the end (seats + spectators) */
  clients: number;
  tablesFinished: number;
  /** the last log version of every table that finished in the window (its game's length) */
  finalVersions: number[];
  /** finished tables whose replacement could not be opened (an overloaded server) */
  replaceFailures: number;
  /** acts refused (not rate limits, which are retried) */
  refused: number;
  updatesMode: 'full' | 'patch';
}

export type WorkerMessage =
  | { type: 'progress'; connected: number; fastForwarded: number }
  /** all connected; fast-forwarding `tables` tables */
  | { type: 'connected'; clients: number; seconds: number }
  | { type: 'ready'; clients: number; updatesMode: 'full' | 'patch' }
  /** flat out without replacement: every table finished or reached stopAtVersion */
  | { type: 'idle' }
  | { type: 'report'; report: WorkerReport }
  | { type: 'error'; message: string };
