// Quick play: ask the server for a seat against scripted agents and go to it.
import { playPath } from '../shared/protocol/links.ts';
import { gameEntry } from './games/index.ts';

export async function quickplay(game: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/api/quickplay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // the game's human-friendly preset (client/games); the server's default for a game this client does not know
      body: JSON.stringify({ game, preset: gameEntry(game)?.quickplayPreset }),
    });
  } catch {
    // the browser's own words here ("Failed to fetch", "NetworkError…") tell a player nothing
    throw new Error('Could not reach the Parley server. Check your connection, then try again.');
  }
  const body = (await response.json().catch(() => ({}))) as { id?: string; token?: string; error?: string };
  if (response.ok && body.token && body.id) return location.assign(playPath(body.token, body.id));
  // Parley's own refusals (full, turned off, too many tries) say what to do; anything else came from
  // something between the browser and Parley, or from a fault
  if (body.error) throw new Error(body.error);
  throw new Error(
    response.status >= 500
      ? `The server could not set the table (HTTP ${response.status}). Try again in a minute; if it keeps failing, tell whoever runs this server.`
      : `Quick play was refused (HTTP ${response.status}). Reload the page and try again.`,
  );
}
