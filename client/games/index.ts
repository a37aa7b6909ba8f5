// Every game the browser can show, by id: the one list the lobby, quick play, the table page, its
// scenes and the results read. Typed by the server's GameId, so a game added there needs its entry here.
// Light on purpose: the lobby imports it, so each game's panels (and through them zod, the text rules,
// presence …) load only through `load()`, as a chunk of their own.
import type { GameId } from '../../shared/engine/game.ts';
import { ownValue } from '../../shared/own.ts';
import { traitorsArt, trustSplitArt } from './lobby-art.ts';
import type { GameEntry } from './types.ts';

export const GAME_CATALOGUE: Record<GameId, GameEntry> = {
  traitors: {
    sceneKey: 'traitors',
    title: 'The Traitors',
    quickplayPreset: 'table',
    lobby: {
      blurb: 'Eight at the round table; two are secret traitors who murder by night. Talk, suspect, vote — banish them before they outnumber the faithful.',
      length: 'about 15 minutes',
      art: traitorsArt,
    },
    load: () => import('./traitors.ts').then((module) => module.traitorsClient),
  },
  'trust-split': {
    sceneKey: 'trust-split',
    title: 'Trust-and-Split',
    quickplayPreset: 'human',
    lobby: {
      blurb: 'Two players, hidden rock-paper-scissors hands and ten coins a round. Talk, then secretly say how many coins you keep. Trust pays — if it is returned.',
      length: '5 rounds',
      art: trustSplitArt,
    },
    load: () => import('./trust-split.ts').then((module) => module.trustSplitClient),
  },
};

/** The catalogue entry of a game id from a payload or a URL, or null for a game this client cannot show. */
export function gameEntry(id: string): GameEntry | null {
  return ownValue(GAME_CATALOGUE as Record<string, GameEntry>, id) ?? null;
}
