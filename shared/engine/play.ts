import type { Action, SeatId } from './actions.ts';
import { toDecision, type AgentDecision, type SeatAgent } from './agent.ts';
import type { AnyGame, GameEventBase, Outcome } from './game.ts';
import type { PersonaStyle } from '../personas.ts';
import { Match } from './match.ts';
import { Purpose, Rng, RngKey, type Seed } from './rng.ts';

/**
 * The RNG an agent uses for its n-th decision in a game. Derived from the game seed, the seat and
 * the decision index, so agents are stateless and deterministic, and a restored room picks up
 * exactly where it was.
 */
export function agentRng(gameSeed: Seed | RngKey, seat: SeatId, decisionIndex: number): Rng {
  return Rng.stream(gameSeed, Purpose.agent, seat, decisionIndex);
}

/** Resolve a per-seat agent list: "scripted" → the game's role-appropriate agent. */
export function resolveAgentNames(game: AnyGame, state: unknown, requested: string[]): string[] {
  return requested.map((name, seat) => {
    const resolved = name === 'scripted' ? game.scriptedAgentFor(state, seat) : name;
    if (!Object.hasOwn(game.agents, resolved)) {
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
  outcome: Outcome;
}

/** An agent decision together with the index of the log event its action produced. */
export interface LoggedDecision extends AgentDecision {
  seat: SeatId;
  agent: string;
  eventIndex: number;
}

const MAX_TURNS = 100_000;

/**
 * Both play loops below follow one rule, so a game plays the same whatever its agents are:
 * every seat that owes an action decides from the same state (its own view only), then the
 * actions are submitted in seat order.
 */
function submitAll(match: Match<unknown, GameEventBase>, decided: [SeatId, Action, string][], gameId: string, seed: Seed): number[] {
  const eventIndexes: number[] = [];
  for (const [seat, action, agentName] of decided) {
    eventIndexes.push(match.log.length);
    const result = match.submit(seat, action);
    if (!result.ok) {
      throw new Error(`${gameId} seed ${seed}: agent ${agentName} at seat ${seat} made an illegal move (${result.code}: ${result.message})`);
    }
  }
  return eventIndexes;
}

/** Play one whole game with scripted agents in every seat, synchronously (the fast path). */
export function playScripted<E extends GameEventBase>(
  game: AnyGame,
  config: unknown,
  seed: Seed,
  names: string[],
  requestedAgents: string[],
  /** per seat, the persona style its scripted agent plays (absent: plain) */
  styles: readonly (PersonaStyle | undefined)[] = [],
): PlayedGame<E> {
  const match = Match.start<unknown, GameEventBase>(game, config, seed, names);
  const key = RngKey.fromSeed(seed);
  const agents = resolveAgentNames(game, match.state, requestedAgents);
  const decisions = new Array<number>(names.length).fill(0);
  for (let turn = 0; !match.isOver; turn++) {
    if (turn > MAX_TURNS) throw new Error(`${game.id} seed ${seed}: game did not end`);
    const requests = match.pendingRequests();
    if (requests.length === 0) throw new Error(`${game.id} seed ${seed}: nobody can act but the game is not over`);
    const decided: [SeatId, Action, string][] = requests.map(([seat, pending]) => [
      seat,
      game.agents[agents[seat]]({
        seat,
        view: game.view(match.state, seat),
        pending,
        rng: agentRng(key, seat, decisions[seat]++),
        ...(styles[seat] !== undefined && styles[seat] !== 'plain' ? { style: styles[seat] } : {}),
      }),
      agents[seat],
    ]);
    submitAll(match, decided, game.id, seed);
  }
  return { events: match.log as E[], agents, outcome: game.outcome(match.state) as Outcome };
}

/**
 * Play one whole game with any SeatAgents (scripted, LLM, …). Seats asked at the same time
 * (simultaneous votes, beliefs, proposals) think concurrently.
 */
export async function playAgents<E extends GameEventBase>(
  game: AnyGame,
  config: unknown,
  seed: Seed,
  names: string[],
  agentForSeat: (seat: SeatId, state: unknown) => SeatAgent,
): Promise<PlayedGame<E> & { decisions: LoggedDecision[] }> {
  const match = Match.start<unknown, GameEventBase>(game, config, seed, names);
  const key = RngKey.fromSeed(seed);
  const agents = names.map((_, seat) => agentForSeat(seat, match.state));
  const decisions = new Array<number>(names.length).fill(0);
  const logged: LoggedDecision[] = [];
  for (let turn = 0; !match.isOver; turn++) {
    if (turn > MAX_TURNS) throw new Error(`${game.id} seed ${seed}: game did not end`);
    const requests = match.pendingRequests();
    if (requests.length === 0) throw new Error(`${game.id} seed ${seed}: nobody can act but the game is not over`);
    const seats = requests.map(([seat]) => seat);
    const answers = await Promise.all(
      requests.map(async ([seat, pending]) =>
        toDecision(
          await agents[seat].decide({
            gameId: game.id,
            seat,
            view: game.view(match.state, seat),
            pending,
            rng: agentRng(key, seat, decisions[seat]++),
          }),
        ),
      ),
    );
    const eventIndexes = submitAll(match, seats.map((seat, i) => [seat, answers[i].action, agents[seat].name]), game.id, seed);
    seats.forEach((seat, i) => logged.push({ ...answers[i], seat, agent: agents[seat].name, eventIndex: eventIndexes[i] }));
  }
  return { events: match.log as E[], agents: agents.map((a) => a.name), outcome: game.outcome(match.state) as Outcome, decisions: logged };
}
