import type { Route } from '../http.ts';
import type { Sessions } from '../sessions.ts';
import type { EventStore, StudyStore } from '../store/index.ts';
import { StudyFlow } from './flow.ts';
import { Lobby, type TickLease } from './lobby.ts';
import { studyRoutes } from './routes.ts';

export interface StudiesOptions {
  store: EventStore;
  sessions: Sessions;
  now?: () => number;
  log: (message: string) => void;
  /** agents' fixed pacing in disclosed arms (ms) */
  agentDelayMs: number;
  /** blind arms' human-looking pacing and minimum wait: 1 = real time, 0 = none (tests) */
  humanPacingScale: number;
  /** POST /api/s/:slug/enter per client address per minute (0 = no limit) */
  entersPerMin: number;
  trustProxy: boolean;
  /** the waiting room's check interval (default 1000 ms) */
  tickMs?: number;
  /** a waiting participant is present if it polled within this long (default 6000 ms) */
  presentMs?: number;
  /** several processes on one database: the waiting room ticks only in the holder of this lease */
  tickLease?: TickLease;
}

export interface Studies {
  studies: StudyStore;
  flow: StudyFlow;
  lobby: Lobby;
  routes: Route[];
  /** stop the waiting room; resolves when its work under way has finished */
  stop(): Promise<void>;
}

/** Studies on a server: the store's studies, the participant flow, the waiting room and the HTTP routes. */
export function createStudies(options: StudiesOptions): Studies {
  const now = options.now ?? Date.now;
  const studies = options.store.studies;
  let lobby: Lobby;
  const flow = new StudyFlow({ studies, store: options.store, now, room: () => lobby });
  lobby = new Lobby({
    studies,
    sessions: options.sessions,
    flow: () => flow,
    now,
    log: options.log,
    agentDelayMs: options.agentDelayMs,
    humanPacingScale: options.humanPacingScale,
    tickMs: options.tickMs,
    presentMs: options.presentMs,
    tickLease: options.tickLease,
  });
  lobby.start();
  const routes = studyRoutes({ studies, flow, lobby, entersPerMin: options.entersPerMin, trustProxy: options.trustProxy, sharedLimits: options.store.sharedLimits });
  return { studies, flow, lobby, routes, stop: () => lobby.stop() };
}
