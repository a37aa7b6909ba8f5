/**
 * The links that open a seat or the spectator view. They carry the session's id as the routing
 * hint (`?session=<id>`, docs/protocol.md): behind `npm start -- --workers N` the browser's first
 * connection then goes to the process that runs the session, not through another one. The hint
 * grants nothing: the token alone decides the seat.
 */

/** what a session id looks like (server/sessions.ts makes them): anything else is not sent on as a hint */
const SESSION_ID = /^[0-9a-f]{6,32}$/;

export function playPath(token: string, sessionId: string): string {
  return `/play/${encodeURIComponent(token)}?session=${encodeURIComponent(sessionId)}`;
}

export function watchPath(token: string, sessionId: string): string {
  return `/watch/${encodeURIComponent(token)}?session=${encodeURIComponent(sessionId)}`;
}

/** The routing hint in a link's query (`location.search`), or null when there is none that could be one. */
export function sessionHint(search: string): string | null {
  const value = new URLSearchParams(search).get('session');
  return value !== null && SESSION_ID.test(value) ? value : null;
}
