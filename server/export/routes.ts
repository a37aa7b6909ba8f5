import { getGame } from '../../shared/games/index.ts';
import { HttpError, type Route } from '../http.ts';
import { seatAttendance } from '../report/attendance.ts';
import { gameReportHtml } from '../report/report.ts';
import type { EventStore } from '../store/index.ts';
import { slimEventsOf } from './files.ts';
import { sessionExportFiles, sessionGameEvents } from './session.ts';
import { parseVotesFormat, type VotesFormat } from './tables.ts';
import { writeExportZip } from './write.ts';

const SESSION = '([0-9a-f]{6,32})';

/**
 * The HTML report of one session, built from the compact skeleton of its log. It names the
 * session's replay: at `baseUrl` when the server's public address is known, else as a path.
 */
export async function sessionReportHtml(store: EventStore, sessionId: string, baseUrl = ''): Promise<string | null> {
  const record = await store.session(sessionId);
  if (!record) return null;
  const slim = await slimEventsOf(record.game, () => sessionGameEvents(store, sessionId));
  const game = getGame(record.game);
  return gameReportHtml(record.game, slim, {
    title: `${game.title} — session ${sessionId}`,
    subtitle: `preset ${record.preset} · seed ${record.seed} · ${record.status} · ${record.seats.map((s) => `${s.name}: ${s.kind === 'agent' ? (s.agentName ?? 'agent') : s.kind}`).join(', ')}`,
    link: { label: 'Replay (experimenter console sign-in)', href: `${baseUrl}/replay/${sessionId}` },
    attendance: seatAttendance(await store.log(sessionId), record.seats),
  });
}

/** `?votes=reference|parley` of an export request (default parley); any other value is a 400. */
function votesFormatOf(requestUrl: string | undefined): VotesFormat {
  const value = new URL(requestUrl ?? '/', 'http://localhost').searchParams.get('votes');
  if (value === null) return 'parley';
  try {
    return parseVotesFormat(value);
  } catch (error) {
    throw new HttpError(400, `Invalid request: ${(error as Error).message} (query parameter "votes").`);
  }
}

/** Researcher endpoints (admin token): GET /api/sessions/:id/export (zip) and /report (HTML). */
export function exportRoutes({ store }: { store: EventStore }): Route[] {
  return [
    {
      method: 'GET',
      pattern: new RegExp(`^/api/sessions/${SESSION}/export$`),
      admin: true,
      async handle(ctx) {
        const id = ctx.params[0];
        const files = await sessionExportFiles(store, id, { votes: votesFormatOf(ctx.req.url) });
        if (!files) throw new HttpError(404, `No session "${id}".`);
        ctx.res.writeHead(200, {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="parley-${id}.zip"`,
          'cache-control': 'no-store',
        });
        await writeExportZip(files, ctx.res, `parley-${id}`);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/sessions/${SESSION}/report$`),
      admin: true,
      async handle(ctx) {
        const id = ctx.params[0];
        const html = await sessionReportHtml(store, id, ctx.baseUrl);
        if (html === null) throw new HttpError(404, `No session "${id}".`);
        ctx.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
        ctx.res.end(html);
      },
    },
  ];
}
