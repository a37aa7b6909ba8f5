import type { SeatId } from './actions.ts';
import type { AnyGame, GameEventBase } from './game.ts';
import { Match } from './match.ts';
import { deriveSeed, Rng } from './rng.ts';

/**
 * The RNG an agent uses for its n-th decision in a game. Derived from the game seed, the seat and
 * the decision index, so agents are stateless and deterministic, and a restored room picks up
 * exactly where it was.
 */
export function agentRng(gameSeed: number, seat: SeatId, decisionIndex: number): Rng {
  return new Rng(deriveSeed('agent', gameSeed, seat, decisionIndex));
}

/** Resolve a per-seat agent list: "scripted" → the game's role-appropriate agent. */
export function resolveAgentNames(game: AnyGame, state: unknown, requested: string[]): string[] {
  return requested.map((name, seat) => {
    const resolved = name === 'scripted' ? game.scriptedAgentFor(state, seat) : name;
    if (!game.agents[resolved]) {
      throw new Error(
        `Unknown agent "${name}" for ${game.id}. Known: scripted, ${Object.keys(game.agents).join(', ')}`,
      );
    }
    return resolved;
  });
}

export interface PlayedGame<E extends GameEventBase = GameEventBase> {
  events: E[];
  agents: string[];
}

/**
 * Play one whole game with scripted agents in every seat. Seats that owe an action at the
 * same time act in seat order, each seeing only its own view and pending request.
 */
export function playScripted<E extends GameEventBase>(
  game: AnyGame,
  config: unknown,
  seed: number,
  names: string[],
  requestedAgents: string[],
): PlayedGame<E> {
  const match = Match.start<unknown, E>(game, config, seed, names);
  const agents = resolveAgentNames(game, match.state, requestedAgents);
  const decisions = new Array<number>(names.length).fill(0);
  let guard = 0;
  while (!match.isOver) {
    const seats = match.pendingSeats();
    if (seats.length === 0) throw new Error(`${game.id} seed ${seed}: nobody can act but the game is not over`);
    for (const seat of seats) {
      const pending = match.pending(seat);
      if (!pending) continue;
      const agent = game.agents[agents[seat]];
      const action = agent({ seat, view: game.view(match.state, seat), pending, rng: agentRng(seed, seat, decisions[seat]++) });
      const result = match.submit(seat, action);
      if (!result.ok) {
        throw new Error(`${game.id} seed ${seed}: agent ${agents[seat]} at seat ${seat} made an illegal move (${result.code}: ${result.message})`);
      }
    }
    if (++guard > 100_000) throw new Error(`${game.id} seed ${seed}: game did not end`);
  }
  return { events: match.log, agents };
}
