// Quick play: ask the server for a seat against scripted agents and go to it.
import { playPath } from '../shared/protocol/links.ts';
import { gameEntry } from './games/index.ts';

export async function quickplay(game: string): Promise<void> {
  const response = await fetch('/api/quickplay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // the game's human-friendly preset (client/games); the server's default for a game this client does not know
    body: JSON.stringify({ game, preset: gameEntry(game)?.quickplayPreset }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string; token?: string; error?: string };
  if (!response.ok || !body.token || !body.id) throw new Error(body.error ?? `Quick play failed (HTTP ${response.status}).`);
  location.assign(playPath(body.token, body.id));
}
