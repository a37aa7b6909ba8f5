// Quick play: ask the server for a seat against scripted agents and go to it.

/** The preset quick play uses for each game: the human-friendly one. */
const QUICKPLAY_PRESETS: Record<string, string> = { traitors: 'table', 'trust-split': 'human' };

export async function quickplay(game: string): Promise<void> {
  const response = await fetch('/api/quickplay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ game, preset: QUICKPLAY_PRESETS[game] }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `Quick play failed (HTTP ${response.status}).`);
  location.assign(`/play/${encodeURIComponent(body.token)}`);
}
