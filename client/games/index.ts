// Every game the browser can show, by id: the one list the lobby, quick play, the table page, its
// scenes and the results read. Typed by the server's GameId, so a game added there needs its client here.
import type { GameId } from '../../shared/engine/game.ts';
import { ownValue } from '../../shared/own.ts';
import { traitorsClient } from './traitors.ts';
import { trustSplitClient } from './trust-split.ts';
import type { GameClient } from './types.ts';

export const GAME_CLIENTS: Record<GameId, GameClient> = {
  traitors: traitorsClient,
  'trust-split': trustSplitClient,
};

/** The client of a game id from a payload or a URL, or null for a game this client cannot show. */
export function gameClient(id: string): GameClient | null {
  return ownValue(GAME_CLIENTS as Record<string, GameClient>, id) ?? null;
}
