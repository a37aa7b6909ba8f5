import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, SeatId } from '../../shared/engine/actions.ts';
import { Match } from '../../shared/engine/match.ts';
import { pickNames } from '../../shared/engine/names.ts';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { traitors, TraitorsConfigSchema, type TraitorsConfig, type TraitorsEvent, type TraitorsState, type TraitorsView } from '../../shared/games/traitors/index.ts';

type M = Match<TraitorsState, TraitorsEvent>;

/** Any legal config, small enough to play quickly. */
const configArb: fc.Arbitrary<TraitorsConfig> = fc
  .record({
    players: fc.integer({ min: 4, max: 10 }),
    traitorPick: fc.nat(),
    tieBreak: fc.constantFrom('revote', 'random', 'firstVote', 'firstVoteInSeatOrder'),
    beliefs: fc.constantFrom('all', 'agents', 'off'),
    agentMask: fc.nat({ max: 1023 }),
    introductions: fc.constantFrom(true, false, 'statements', 'biographies'),
    personaMask: fc.nat({ max: 1023 }),
    winCheck: fc.constantFrom('afterEach', 'afterNight', undefined),
    nightTieBreak: fc.constantFrom('random', 'firstVote', 'firstVoteInSeatOrder', undefined),
    showVotes: fc.constantFrom(true, false, undefined),
    speakingOrder: fc.constantFrom('rotate', 'seat', undefined),
    postBanishDiscussion: fc.constantFrom(true, false, undefined),
    discussionPasses: fc.integer({ min: 1, max: 2 }),
    traitorChatPasses: fc.integer({ min: 0, max: 2 }),
    revealRoleOnBanish: fc.boolean(),
    announceTraitorCount: fc.boolean(),
    maxRounds: fc.integer({ min: 1, max: 8 }),
    recruitment: fc.constantFrom(false, false, { refusal: 'none' }, { refusal: 'murdered' }),
  })
  .map(({ players, traitorPick, agentMask, personaMask, ...rest }) =>
    TraitorsConfigSchema.parse({
      ...rest,
      // biographies for some seats (none at all skips the moderator's introductions)
      personas: Array.from({ length: players }, (_, s) => (personaMask & (1 << s) ? { traits: { age: 30 + s, profession: 'Baker', genderPronoun: 'they' } } : null)),
      players,
      traitors: 1 + (traitorPick % Math.floor((players - 1) / 2)),
      agentSeats: Array.from({ length: players }, (_, s) => s).filter((s) => agentMask & (1 << s)),
    }),
  );

/** Arbitrary, mostly illegal actions (and some accidentally legal ones). */
const anyActionArb = fc.oneof(
  fc.record({ kind: fc.constant('speak'), text: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 601, maxLength: 700 }), fc.integer()) }),
  fc.record({ kind: fc.constant('vote'), target: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.double(), fc.constant(null)) }),
  fc.record({
    kind: fc.constant('beliefs'),
    suspicion: fc.oneof(
      fc.dictionary(fc.constantFrom('0', '1', '2', '3', '01', '-1', 'x', '9'), fc.oneof(fc.integer({ min: -10, max: 120 }), fc.double())),
      fc.constant(null),
      fc.array(fc.integer()),
    ),
  }),
  fc.record({ kind: fc.constant('propose'), coins: fc.integer() }),
  fc.record({ kind: fc.constant('choose'), option: fc.constantFrom('accept', 'refuse', 'maybe', '__proto__', 'constructor', '') }),
  fc.constant({ kind: 'dance' }),
  fc.constant(null),
);

const playArb = fc.record({
  config: configArb,
  seed: fc.nat(),
  choices: fc.array(fc.nat(), { minLength: 1, maxLength: 300 }),
  intrusions: fc.array(fc.tuple(fc.integer({ min: -1, max: 11 }), anyActionArb), { maxLength: 40 }),
});

/**
 * Play a whole game with legal random moves chosen by `choices` (which seat acts, and about
 * one move in eight is a timeout instead), calling `onStep` after every change.
 */
function playRandomly(config: TraitorsConfig, seed: number, choices: number[], onStep: (m: M, step: number) => void): M {
  const m = Match.start<TraitorsState, TraitorsEvent>(traitors, config, seed, pickNames(config.players, seed));
  onStep(m, -1);
  for (let step = 0; !m.isOver; step++) {
    if (step > 5000) throw new Error('game did not end');
    const seats = m.pendingSeats();
    if (seats.length === 0) throw new Error('nobody can act but the game is not over');
    const c = choices[step % choices.length] + step;
    const seat = seats[c % seats.length];
    if ((c >>> 3) % 8 === 0) {
      m.timeout(seat);
    } else {
      const pending = m.pending(seat)!;
      const action = traitors.agents.random({ seat, view: traitors.view(m.state, seat), pending, rng: Rng.stream(seed, Purpose.test, step) });
      const result = m.submit(seat, action);
      if (!result.ok) throw new Error(`random agent rejected: ${result.code} ${result.message}`);
    }
    onStep(m, step);
  }
  return m;
}

/** Every object in a view, except under the revealed-ballot lists. */
function* objectsOutsideBallots(value: unknown): Generator<Record<string, unknown>> {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) yield* objectsOutsideBallots(item);
    return;
  }
  const record = value as Record<string, unknown>;
  yield record;
  for (const [key, child] of Object.entries(record)) if (key !== 'ballots' && key !== 'nightBallots') yield* objectsOutsideBallots(child);
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

/** Plain checks in the hot loops (vitest's expect is too slow to call ~10⁶ times). */
function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/** (1) A faithful seat's view never identifies an unrevealed traitor. */
function checkNoTraitorLeak(state: TraitorsState, seat: SeatId, v: TraitorsView): void {
  const where = () => `seat ${seat}, round ${state.round}, phase ${state.phase.kind}`;
  check(v.role === 'faithful' && v.fellowTraitors === null && v.traitorChat === null && v.nightBallots === null && v.spectator === null, () => `insider fields in a faithful view (${where()})`);
  const over = state.phase.kind === 'over';
  // a murder on the last night stays out of the view for good: the game over reveals it in the outcome
  check(v.pendingMurder === null, () => `unannounced murder shown (${where()})`);
  check(v.phase.kind !== 'nightChat' && v.phase.kind !== 'nightVote', () => `night details shown (${where()})`);
  const json = JSON.stringify(v);
  check(!json.includes('"channel":"traitors"'), () => `traitor chat in a faithful view (${where()})`);
  check(!json.includes('"rng"'), () => `rng state in a view (${where()})`);
  if (over) return; // the game over reveals every role
  check(!json.includes('"roles"'), () => `roles in a faithful view (${where()})`);
  // the role token appears only for traitors whose role was publicly revealed
  const revealedTraitors = state.eliminations.filter((e) => e.role === 'traitor').length;
  check(countOccurrences(json, '"traitor"') === revealedTraitors, () => `"traitor" appears beyond the ${revealedTraitors} revealed (${where()}): ${json}`);
  for (const e of v.eliminations) check(e.role === null || e.role === state.roles[e.seat], () => `wrong revealed role (${where()})`);
  // what the view calls dead is public knowledge: exactly the public eliminations
  const publiclyDead = new Set(state.eliminations.map((e) => e.seat));
  for (let s = 0; s < v.alive.length; s++) check(v.alive[s] === !publiclyDead.has(s), () => `alive[${s}] leaks an unannounced murder (${where()})`);
}

/** (3) A seat's view holds no unrevealed votes and no beliefs but its own. */
function checkNoHiddenChoices(state: TraitorsState, seat: SeatId, v: TraitorsView): void {
  const where = () => `seat ${seat}, round ${state.round}, phase ${state.phase.kind}`;
  for (const obj of objectsOutsideBallots(v)) {
    check(!('target' in obj && 'seat' in obj), () => `a cast vote outside the revealed ballots (${where()}): ${JSON.stringify(obj)}`);
    check(!('suspicion' in obj || 'castVotes' in obj || 'beliefs' in obj), () => `beliefs or cast votes in a seat view (${where()})`);
  }
  if (state.config.showVotes === false) {
    check(v.ballots.length === 0 && (v.nightBallots === null || v.nightBallots.length === 0), () => `a ballot in a seat view with hidden votes (${where()})`);
  } else {
    // a recruit sees the night ballots from the night it joined on: a subset of the revealed records
    check(v.ballots === state.ballots && (v.nightBallots === null || v.nightBallots === state.nightBallots || v.nightBallots.every((b) => state.nightBallots.includes(b))), () => `ballots other than the revealed ones (${where()})`);
  }
  check(v.myBeliefs === state.latestBeliefs[seat], () => `beliefs not the seat's own (${where()})`);
  const phase = state.phase;
  const own = phase.kind === 'vote' ? phase.cast.find((c) => c.seat === seat) : undefined;
  const expected = own && phase.kind === 'vote' ? JSON.stringify({ ballot: phase.ballot, target: own.target }) : 'null';
  check(JSON.stringify(v.myVote) === expected, () => `myVote is not the seat's own vote (${where()})`);
}

/**
 * (5) Recruitment stays between the traitors and the offered seat: a faithful seat never offered
 * sees no offer in its view, owes nothing during one, and receives none of the offer's events;
 * a recruit's view follows its current role.
 */
function checkRecruitmentSecrecy(before: TraitorsState | undefined, state: TraitorsState, event: TraitorsEvent): void {
  const where = () => `round ${state.round}, phase ${state.phase.kind}, event ${event.type}`;
  const offered = new Set(state.recruitments.map((r) => r.seat));
  const involved = (s: SeatId) => state.roles[s] === 'traitor' || offered.has(s);
  for (const audienceState of before ? [before, state] : [state]) {
    const audience = traitors.audience(audienceState, event);
    const aboutRecruitment =
      event.type === 'recruitOffered' ||
      event.type === 'recruitAnswered' ||
      (event.type === 'timeout' && (event.purpose === 'recruitOffer' || event.purpose === 'recruit')) ||
      ((event.type === 'votesRevealed' || event.type === 'vote' || event.type === 'tieBroken') && event.ballot === 'recruit');
    if (aboutRecruitment) check(audience !== null && audience.every(involved), () => `a recruitment event reaches an uninvolved seat (${where()}): ${JSON.stringify(audience)}`);
  }
  for (let seat = 0; seat < state.roles.length; seat++) {
    const v = traitors.view(state, seat);
    if (state.roles[seat] === 'traitor') {
      check(v.role === 'traitor' && JSON.stringify(v.fellowTraitors) === JSON.stringify(state.traitorSeats.filter((s) => s !== seat)), () => `a traitor's view misses its current fellows (seat ${seat}, ${where()})`);
      continue;
    }
    if (offered.has(seat) || state.phase.kind === 'over') continue;
    check(v.recruitments !== null && v.recruitments.length === 0, () => `offers in an uninvolved faithful view (seat ${seat}, ${where()})`);
    check(v.phase.kind !== 'offer' && traitors.pending(state, seat)?.kind !== 'choose', () => `an uninvolved faithful sees the offer phase (seat ${seat}, ${where()})`);
    check(!/"(recruit|recruitOffer|offer)"/.test(JSON.stringify(v)), () => `recruitment words in an uninvolved faithful view (seat ${seat}, ${where()})`);
  }
}

/** (4) With hidden votes, nothing a seat sees — its view or any event sent to it — holds another seat's vote or a tally. */
function checkHiddenVotes(state: TraitorsState, event: TraitorsEvent, seat: SeatId, v: TraitorsView): void {
  const where = () => `seat ${seat}, round ${state.round}, event ${event.type}`;
  check(v.ballots.length === 0 && (v.nightBallots ?? []).length === 0, () => `a ballot in a seat view (${where()})`);
  for (const obj of objectsOutsideBallots(v)) {
    check(!('target' in obj && 'seat' in obj) && !('tally' in obj) && !('votes' in obj), () => `a vote or tally in a seat view (${where()}): ${JSON.stringify(obj)}`);
  }
  const audience = traitors.audience(state, event);
  if (audience !== null && !audience.includes(seat)) return;
  check(event.type !== 'votesRevealed' && event.type !== 'tieBroken', () => `a ballot's result sent to a seat (${where()})`);
  const aVote = event.type === 'vote' || (event.type === 'timeout' && event.pendingKind === 'vote');
  check(!aVote || event.seat === seat, () => `another seat's vote sent to seat ${seat} (${where()})`);
}

describe('traitors properties over random legal play (with timeouts)', () => {
  it('(1) no faithful view ever identifies an unrevealed traitor, and (3) no view holds hidden votes or beliefs', () => {
    fc.assert(
      fc.property(playArb, ({ config, seed, choices }) => {
        const m = playRandomly(config, seed, choices, () => {});
        // every state of the fold, including the ones inside a settle batch that no player is shown
        let state: TraitorsState | undefined;
        for (const event of m.log) {
          state = traitors.reduce(state, event);
          for (let seat = 0; seat < config.players; seat++) {
            const v = traitors.view(state, seat);
            if (state.roles[seat] === 'faithful') checkNoTraitorLeak(state, seat, v);
            checkNoHiddenChoices(state, seat, v);
          }
        }
        expect(JSON.stringify(state)).toBe(JSON.stringify(m.state));
      }),
      { numRuns: 100 },
    );
  });

  it('(5) recruitment: no uninvolved faithful learns of an offer or of the recruit; recruits see their new side', () => {
    let offers = 0;
    let accepted = 0;
    fc.assert(
      fc.property(playArb.filter(({ config }) => config.recruitment !== false), ({ config, seed, choices }) => {
        const m = playRandomly(config, seed, choices, () => {});
        let state: TraitorsState | undefined;
        for (const event of m.log) {
          const before = state;
          state = traitors.reduce(state, event);
          checkRecruitmentSecrecy(before, state, event);
          if (event.type === 'recruitOffered') offers++;
          if (event.type === 'recruitAnswered' && event.accepted) accepted++;
        }
      }),
      { numRuns: 150 },
    );
    // the property was exercised: offers were made and some accepted
    expect(offers).toBeGreaterThan(10);
    expect(accepted).toBeGreaterThan(3);
  });

  it('(2) an illegal action is rejected by Match.submit and changes neither state nor log', () => {
    let rejected = 0;
    fc.assert(
      fc.property(playArb, ({ config, seed, choices, intrusions }) => {
        playRandomly(config, seed, choices, (match, step) => {
          if (step < 0 || step >= intrusions.length || match.isOver) return;
          const [seat, action] = intrusions[step];
          const state = match.state;
          const json = JSON.stringify(state);
          const logLength = match.log.length;
          const pending = seat >= 0 && seat < config.players ? match.pending(seat) : null;
          const result = match.submit(seat, action as Action);
          if (result.ok) {
            // only a well-formed action of the kind the seat owes can get through
            expect(pending?.kind).toBe((action as Action).kind);
            return;
          }
          rejected++;
          expect(typeof result.message).toBe('string');
          expect(match.state).toBe(state);
          expect(JSON.stringify(match.state)).toBe(json);
          expect(match.log.length).toBe(logLength);
        });
      }),
      { numRuns: 100 },
    );
    expect(rejected).toBeGreaterThan(100);
  });

  it('same seed and choices give the same log', () => {
    fc.assert(
      fc.property(playArb, ({ config, seed, choices }) => {
        const a = playRandomly(config, seed, choices, () => {});
        const b = playRandomly(config, seed, choices, () => {});
        expect(JSON.stringify(b.log)).toBe(JSON.stringify(a.log));
        expect(a.log[a.log.length - 1].type).toBe('gameOver');
      }),
      { numRuns: 30 },
    );
  });

  it('(4) with hidden votes no seat view, and no event a seat receives, holds another seat\'s vote', () => {
    let hiddenBallots = 0;
    fc.assert(
      fc.property(playArb, ({ config, seed, choices }) => {
        const hidden = { ...config, showVotes: false };
        const m = playRandomly(hidden, seed, choices, () => {});
        let state: TraitorsState | undefined;
        for (const event of m.log) {
          state = traitors.reduce(state, event);
          if (event.type === 'votesRevealed') hiddenBallots++;
          for (let seat = 0; seat < hidden.players; seat++) checkHiddenVotes(state, event, seat, traitors.view(state, seat));
        }
        // the spectator still sees every ballot
        expect(traitors.view(state!, 'spectator').ballots).toBe(state!.ballots);
      }),
      { numRuns: 60 },
    );
    expect(hiddenBallots).toBeGreaterThan(60);
  });
});
