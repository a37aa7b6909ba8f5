import { describe, expect, it } from 'vitest';
import type { SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import type { Persona } from '../../shared/personas.ts';
import { traitors, type Role, type TraitorsConfig, type TraitorsEvent, type TraitorsState, type Winner } from '../../shared/games/traitors/index.ts';

/**
 * The `reference` preset against the reference code's game loop (pedrocurvo/TheTraitors,
 * src/traitors_game.py, `run()`), side by side. `referenceLoop` below re-implements that loop's
 * control flow and decisions in a few lines — the phases in order, the tallies as a Python dict
 * (a JS Map keeps insertion order the same way) settled by `max(votes, key=votes.get)`, and the
 * single win check after the night — with talk left out, since talk decides nothing there.
 * Both sides ask one scripted chooser for every vote, and both must eliminate the same players
 * the same way in the same rounds and end with the same winner.
 */

type BallotKind = 'banish' | 'murder';
/** One vote as asked: who, on which ballot of which round, among which options. */
interface Ask {
  round: number;
  ballot: BallotKind;
  voter: SeatId;
  options: readonly SeatId[];
}
interface Elimination {
  seat: SeatId;
  cause: 'banished' | 'murdered';
  round: number;
}
interface Game {
  eliminations: Elimination[];
  winner: Winner;
  rounds: number;
  asks: Ask[];
}

/**
 * The scripted chooser: a pure function of the seed (and so the roles it dealt) and the
 * question. Votes cluster on a shortlist that shifts with the round, so ties and clear
 * majorities both happen; faithful sometimes see through a traitor, so games run long enough
 * for every kind of ending; now and then a vote is invalid (null), which the reference skips
 * and Parley records as an abstention (a timeout).
 */
function choose(seed: number, roles: readonly Role[], ask: Ask): SeatId | null {
  const ballotIndex = ask.ballot === 'murder' ? 1 : 0;
  const voterRng = Rng.stream(seed, Purpose.test, ask.round * 2 + ballotIndex, 100 + ask.voter);
  // one table in five is sloppy: many invalid votes, so ballots go by with nobody eliminated
  // (with 10 players and 3 traitors that is the only way a banishment can reach parity)
  if (voterRng.chance(seed % 5 === 0 ? 0.45 : 0.06)) return null;
  const suspects = ask.options.filter((s) => roles[s] === 'traitor');
  if (ask.ballot === 'banish' && roles[ask.voter] === 'faithful' && suspects.length > 0 && voterRng.chance(0.35)) return suspects[0];
  const shift = Rng.stream(seed, Purpose.test, ask.round * 2 + ballotIndex, 0).int(ask.options.length);
  // some tables agree (a shortlist of 1: no ties), others split their votes over up to 4 players
  const shortlist = Math.min(ask.options.length, ask.ballot === 'murder' ? 2 : 1 + (seed % 4));
  return ask.options[(shift + voterRng.int(shortlist)) % ask.options.length];
}

/** Python's `max(votes, key=votes.get)` over a dict: the first key, in insertion order, with the most votes. */
function pythonMax(votes: Map<SeatId, number>): SeatId {
  let best: SeatId = -1;
  let most = 0;
  for (const [seat, n] of votes) if (n > most) [best, most] = [seat, n];
  return best;
}

function hasTie(votes: Map<SeatId, number>): boolean {
  const most = Math.max(...votes.values());
  return [...votes.values()].filter((n) => n === most).length > 1;
}

interface Tally {
  banishTies: number;
  murderTies: number;
  parityBanishments: number;
  lastTraitorBanished: number;
}

/** The reference loop: introductions (talk only), then discussion, voting, traitors' night, win check, round after round. */
function referenceLoop(roles: readonly Role[], seed: number, tally: Tally): Game {
  const alive = roles.map(() => true);
  const living = (role?: Role) => roles.flatMap((r, s) => (alive[s] && (role === undefined || r === role) ? [s] : []));
  const game: Game = { eliminations: [], winner: 'faithful', rounds: 0, asks: [] };
  const ballot = (round: number, kind: BallotKind, voters: SeatId[], optionsFor: (voter: SeatId) => SeatId[]): Map<SeatId, number> => {
    const votes = new Map<SeatId, number>();
    for (const voter of voters) {
      const ask: Ask = { round, ballot: kind, voter, options: optionsFor(voter) };
      game.asks.push(ask);
      const target = choose(seed, roles, ask);
      if (target !== null) votes.set(target, (votes.get(target) ?? 0) + 1);
    }
    return votes;
  };
  for (let round = 1; ; round++) {
    if (round > 50) throw new Error('reference loop did not end');
    // discussion_phase: two passes of talk, no decision
    // voting_phase: every living player in seat order (Parley forbids self-votes, so the options leave the voter out)
    const voters = living();
    const votes = ballot(round, 'banish', voters, (voter) => voters.filter((s) => s !== voter));
    if (votes.size > 0) {
      if (hasTie(votes)) tally.banishTies++;
      const out = pythonMax(votes);
      alive[out] = false;
      game.eliminations.push({ seat: out, cause: 'banished', round });
      // post_elimination_discussion: talk only
      const t = living('traitor').length;
      if (t === 0) tally.lastTraitorBanished++;
      else if (t >= living('faithful').length) tally.parityBanishments++;
    }
    // traitor_discussion_phase: skipped without traitors; meeting and consensus are talk; then traitor_elimination_phase
    const traitorsAlive = living('traitor');
    const faithfulAlive = living('faithful');
    if (traitorsAlive.length > 0 && faithfulAlive.length > 0) {
      const night = ballot(round, 'murder', traitorsAlive, () => faithfulAlive);
      if (night.size > 0) {
        if (hasTie(night)) tally.murderTies++;
        const victim = pythonMax(night);
        alive[victim] = false;
        game.eliminations.push({ seat: victim, cause: 'murdered', round });
      }
    }
    // check_win_conditions: once per round, after the night
    const t = living('traitor').length;
    const f = living('faithful').length;
    if (t === 0 || t >= f) {
      game.winner = t === 0 ? 'faithful' : 'traitors';
      game.rounds = round;
      return game;
    }
  }
}

/** Personas for some seats (so the moderator's introductions are read in some games; they decide nothing). */
function personasFor(seed: number, players: number): (Persona | null)[] | undefined {
  if (seed % 2 === 0) return undefined;
  return Array.from({ length: players }, (_, s) => (s % 3 === 0 ? null : { traits: { age: 20 + s, nationality: 'Portuguese', profession: 'Engineer', genderPronoun: s % 2 ? 'she' : 'he' } }));
}

/**
 * Parley's engine with a preset, every seat played through normal actions. Votes are
 * simultaneous, so voters answer in a seeded random order: the reference preset must not depend
 * on who answers first (the reference asks them one by one in seat order).
 */
function parleyGame(config: TraitorsConfig, seed: number): { game: Game; log: TraitorsEvent[]; roles: Role[] } {
  const m = Match.start<TraitorsState, TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed));
  const game: Game = { eliminations: [], winner: 'faithful', rounds: 0, asks: [] };
  const answerOrder = Rng.stream(seed, Purpose.test, 0, 1);
  for (let step = 0; !m.isOver; step++) {
    if (step > 5000) throw new Error('parley game did not end');
    const requests = m.pendingRequests();
    if (requests.length === 0) throw new Error('nobody can act but the game is not over');
    const [seat, pending] = requests[answerOrder.int(requests.length)];
    if (pending.kind === 'propose' || pending.kind === 'choose') throw new Error('the reference preset never asks for a proposal or a choice');
    const result =
      pending.kind === 'speak'
        ? m.submit(seat, { kind: 'speak', text: `seat ${seat} speaks` })
        : pending.kind === 'beliefs'
          ? m.submit(seat, { kind: 'beliefs', suspicion: Object.fromEntries(pending.targets.map((t) => [String(t), 50])) })
          : voteOf(m, seed, m.state.roles, seat, pending.purpose as BallotKind, pending.options, game);
    if (!result.ok) throw new Error(`seat ${seat} rejected: ${result.code} ${result.message}`);
  }
  for (const e of m.log) {
    if (e.type === 'banished' || e.type === 'murdered') game.eliminations.push({ seat: e.seat, cause: e.type, round: e.round });
    if (e.type === 'gameOver') [game.winner, game.rounds] = [e.winner, e.round];
  }
  const setup = m.log[0];
  if (setup.type !== 'setup') throw new Error('no setup');
  // the questions in the reference's order (round, round table before night, seat), to compare
  game.asks.sort((a, b) => a.round - b.round || Number(a.ballot === 'murder') - Number(b.ballot === 'murder') || a.voter - b.voter);
  return { game, log: m.log, roles: setup.roles };
}

function voteOf(m: Match<TraitorsState, TraitorsEvent>, seed: number, roles: readonly Role[], seat: SeatId, ballot: BallotKind, options: SeatId[], game: Game) {
  const ask: Ask = { round: m.state.round, ballot, voter: seat, options };
  game.asks.push(ask);
  const target = choose(seed, roles, ask);
  return target === null ? { ok: true as const, events: m.timeout(seat) } : m.submit(seat, { kind: 'vote', target });
}

const GAMES = 500;

describe('the reference preset, side by side with the reference loop', () => {
  it(`eliminates the same players the same way in every one of ${GAMES} seeded games`, () => {
    const preset = traitors.presets.reference;
    const tally: Tally = { banishTies: 0, murderTies: 0, parityBanishments: 0, lastTraitorBanished: 0 };
    const winners = { faithful: 0, traitors: 0 };
    let introducedGames = 0;
    for (let seed = 1; seed <= GAMES; seed++) {
      const config = { ...preset, personas: personasFor(seed, preset.players) };
      const parley = parleyGame(config, seed);
      const reference = referenceLoop(parley.roles, seed, tally);
      // the same questions asked, in the same order, with the same options …
      expect(parley.game.asks, `seed ${seed}: votes asked`).toEqual(reference.asks);
      // … and the same eliminations (who, how, which round), the same winner after the same round
      expect(parley.game.eliminations, `seed ${seed}: eliminations`).toEqual(reference.eliminations);
      expect([parley.game.winner, parley.game.rounds], `seed ${seed}: winner`).toEqual([reference.winner, reference.rounds]);
      winners[reference.winner]++;
      if (parley.log.some((e) => e.type === 'biographiesRead')) introducedGames++;
    }
    // the paths that set the reference apart all happened, many times
    expect(tally.banishTies).toBeGreaterThan(50);
    expect(tally.murderTies).toBeGreaterThan(50);
    expect(tally.parityBanishments).toBeGreaterThan(10);
    expect(tally.lastTraitorBanished).toBeGreaterThan(20);
    expect(winners.faithful).toBeGreaterThan(20);
    expect(winners.traitors).toBeGreaterThan(20);
    expect(introducedGames).toBe(GAMES / 2);
  });

  it('agrees at other table sizes too, where banishments reach parity often', () => {
    const tally: Tally = { banishTies: 0, murderTies: 0, parityBanishments: 0, lastTraitorBanished: 0 };
    const sizes = [
      { players: 9, traitors: 4 },
      { players: 7, traitors: 3 },
      { players: 8, traitors: 3 },
      { players: 5, traitors: 2 },
    ];
    for (let seed = 1; seed <= 200; seed++) {
      const config = { ...traitors.presets.reference, ...sizes[seed % sizes.length] };
      const parley = parleyGame(config, seed);
      const reference = referenceLoop(parley.roles, seed, tally);
      expect(parley.game.asks, `seed ${seed}: votes asked`).toEqual(reference.asks);
      expect(parley.game.eliminations, `seed ${seed}: eliminations`).toEqual(reference.eliminations);
      expect([parley.game.winner, parley.game.rounds], `seed ${seed}: winner`).toEqual([reference.winner, reference.rounds]);
    }
    expect(tally.parityBanishments).toBeGreaterThan(40);
  });

  it.each([
    ['the paper preset', traitors.presets.paper],
    ['a win check after each elimination', { ...traitors.presets.reference, winCheck: 'afterEach' }],
    ['night ties drawn at random', { ...traitors.presets.reference, nightTieBreak: 'random' }],
    ['day ties drawn at random', { ...traitors.presets.reference, tieBreak: 'random' }],
    ['ties settled by the first vote to arrive', { ...traitors.presets.reference, tieBreak: 'firstVote', nightTieBreak: 'firstVote' }],
  ] as [string, TraitorsConfig][])('tells %s apart: the same chooser gives other eliminations in some games', (_, config) => {
    // the comparison has teeth: each of these rules alone stops Parley reproducing the reference loop
    const tally: Tally = { banishTies: 0, murderTies: 0, parityBanishments: 0, lastTraitorBanished: 0 };
    let differ = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const parley = parleyGame(config, seed);
      const reference = referenceLoop(parley.roles, seed, tally);
      if (JSON.stringify([parley.game.eliminations, parley.game.winner]) !== JSON.stringify([reference.eliminations, reference.winner])) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});
