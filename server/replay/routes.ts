import { gzipSync } from 'node:zlib';
import type { BaseState, Viewer } from '../../shared/engine/game.ts';
import { replay } from '../../shared/engine/match.ts';
import { getGame } from '../../shared/games/index.ts';
import type { LogRow } from '../../shared/protocol/index.ts';
import { REPLAY_AS_PATTERN, type ReplayPayload, type ReplayViewpoint } from '../../shared/protocol/replay.ts';
import { replayFrames } from '../../shared/replay/frames.ts';
import { HttpError, type Route, type RouteContext } from '../http.ts';
import type { SessionRecord, EventStore } from '../store/index.ts';

const SESSION = '([0-9a-f]{6,32})';
/** bigger answers are worth compressing (a whole game's frames gzip about tenfold) */
const GZIP_FROM_BYTES = 1024;

/**
 * Replay routes (docs/console.md "Replay"). The frames are built here, on the server, for one
 * viewer at a time: a browser never receives the log, which holds every seat's secrets.
 */
export function replayRoutes({ store }: { store: EventStore }): Route[] {
  return [
    {
      method: 'GET',
      pattern: new RegExp(`^/api/sessions/${SESSION}/replay$`),
      admin: true,
      async handle(ctx) {
        const id = ctx.params[0];
        const record = await store.session(id);
        if (!record) throw new HttpError(404, `No session "${id}".`);
        const viewer = parseAs(ctx, record) ?? 'spectator';
        const rows = await store.log(record.id);
        const state = finalState(record, rows);
        sendReplay(ctx, buildReplay(record, viewer, allViewpoints(record, state), rows, state));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/replay\/([^/]{1,200})$/,
      admin: false,
      async handle(ctx) {
        const target = await store.resolveToken(ctx.params[0]);
        const record = target && (await store.session(target.sessionId));
        if (!target || !record) throw new HttpError(404, 'This replay link does not open any session. Ask the experimenter for a new one.');
        const own: Viewer = target.seat ?? 'spectator';
        const asked = parseAs(ctx, record);
        if (asked !== null && asked !== own) {
          throw new HttpError(403, 'This link replays only its own viewpoint; leave out "as" or ask the experimenter for the other view.');
        }
        if (own !== 'spectator' && record.status === 'active') {
          throw new HttpError(403, 'This game is still being played: its replay opens once the game is over.');
        }
        const rows = await store.log(record.id);
        const state = finalState(record, rows);
        sendReplay(ctx, buildReplay(record, own, [viewpointOf(record, own, state)], rows, state));
      },
    },
  ];
}

/** `?as=spectator|<seat>`: null when absent; 400 when it names no viewpoint of this session. */
function parseAs(ctx: RouteContext, record: SessionRecord): Viewer | null {
  const as = new URL(ctx.req.url ?? '/', 'http://localhost').searchParams.get('as');
  if (as === null) return null;
  const seats = record.seats.length;
  if (!REPLAY_AS_PATTERN.test(as) || (as !== 'spectator' && Number(as) >= seats)) {
    throw new HttpError(400, `"as" must be "spectator" or a seat number from 0 to ${seats - 1}.`);
  }
  return as === 'spectator' ? 'spectator' : Number(as);
}

function buildReplay(record: SessionRecord, viewer: Viewer, viewpoints: ReplayViewpoint[], rows: readonly LogRow[], state: BaseState | undefined): ReplayPayload {
  const game = getGame(record.game);
  return {
    sessionId: record.id,
    game: record.game,
    status: record.status,
    viewer: { seat: viewer === 'spectator' ? null : viewer, label: viewpointOf(record, viewer, state).label },
    viewpoints,
    frames: replayFrames(game, record, rows, viewer),
  };
}

/** The state after the whole log (for names and roles in the viewpoint labels); none before the first game event. */
function finalState(record: SessionRecord, rows: readonly LogRow[]): BaseState | undefined {
  const events = rows.flatMap((row) => (row.kind === 'game' ? [row.event] : []));
  return events.length ? replay<BaseState, (typeof events)[number]>(getGame(record.game), events) : undefined;
}

function allViewpoints(record: SessionRecord, state: BaseState | undefined): ReplayViewpoint[] {
  return [viewpointOf(record, 'spectator', state), ...record.seats.map((seat) => viewpointOf(record, seat.seat, state))];
}

/** "Spectator (everything)" or "Seat 3 · Ada (faithful)" (the role when the game has roles). */
function viewpointOf(record: SessionRecord, viewer: Viewer, state: BaseState | undefined): ReplayViewpoint {
  if (viewer === 'spectator') return { as: 'spectator', label: 'Spectator (everything)' };
  const name = state?.names[viewer] ?? record.seats[viewer]?.name ?? '';
  const roles = (state as { roles?: unknown } | undefined)?.roles;
  const role = Array.isArray(roles) && typeof roles[viewer] === 'string' ? ` (${roles[viewer] as string})` : '';
  return { as: String(viewer), label: `Seat ${viewer} · ${name}${role}` };
}

/** JSON, gzipped when the client accepts it (frames repeat a lot). */
function sendReplay(ctx: RouteContext, payload: ReplayPayload): void {
  const body = Buffer.from(JSON.stringify(payload));
  const gzip = body.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(String(ctx.req.headers['accept-encoding'] ?? ''));
  const sent = gzip ? gzipSync(body) : body;
  ctx.res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': sent.length,
    'cache-control': 'no-store',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : sent);
}
