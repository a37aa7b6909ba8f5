// A blind arm, as a property (issue 10): over random studies and participants' behaviour, nothing
// a participant's browser receives — every REST answer on the way from the study link to the
// completion code, every Socket.io payload at the table — tells an agent seat from a human one:
// no field that names a kind, agent or label, no field only one kind of seat has, presence masked,
// names from the same pool, and the "human or AI?" list the same for both. A control checks that
// the scanner does flag the experimenter's own view of the same session.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYER_NAMES } from '../../shared/engine/names.ts';
import { runPilot, type BotRecord } from '../../scripts/study/pilot.ts';
import { ADMIN_TOKEN, bootServer, type TestServer } from '../integration/helpers.ts';

const ARM = 'veiled_arm';

/** Agent names and seat kinds: none may appear as a value anywhere a participant can read. */
const FORBIDDEN_VALUES = new Set([
  'agent', 'human', 'external', 'scripted', 'llm', 'ai', 'bot', 'blind', 'disclosed', ARM,
  'sleuth', 'schemer', 'random', 'cooperative', 'greedy', 'tit-for-tat', 'fair',
]);
/** Keys that would say what a seat is (agentSeats is allowed only as null). */
const FORBIDDEN_KEY = /agent|^labels?$|^(is)?bots?$|^isai$|llm|disclos|^arms?$|treatment|takeover|handback|^seatkinds?$/i;

interface Finding {
  where: string;
  problem: string;
}

/** Every problem in one payload that could tell an agent from a human. */
export function leaks(payload: unknown, where: string): Finding[] {
  const found: Finding[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (FORBIDDEN_VALUES.has(value.toLowerCase())) found.push({ where, problem: `${path} = "${value}"` });
      if (value.includes(ARM)) found.push({ where, problem: `${path} holds the arm's name` });
      return;
    }
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      // a Traitors ballot's tie-break mode ('random' | 'firstVote') is a rule term that shares a word with an agent name
      if ((key === 'tieBreak' || key === 'mode') && (v === 'random' || v === 'firstVote')) continue;
      if (key === 'agentSeats') {
        if (v !== null) found.push({ where, problem: `${path}.agentSeats is ${JSON.stringify(v)}` });
        continue;
      }
      if (FORBIDDEN_KEY.test(key)) found.push({ where, problem: `${path}.${key} (a field that names what a seat is)` });
      walk(v, `${path}.${key}`);
    }
  };
  walk(payload, '$');
  return found;
}

/**
 * Objects about one seat (an element of a per-seat array, or an object with a `seat` field): the
 * keys they carry, by path pattern (indexes as *) and by what the seat is.
 */
function seatObjectKeys(payload: unknown, seats: number, isAgent: (seat: number) => boolean, into: Map<string, { agent: Set<string>; human: Set<string> }>): void {
  const note = (pattern: string, seat: number, obj: object) => {
    const entry = into.get(pattern) ?? { agent: new Set<string>(), human: new Set<string>() };
    for (const key of Object.keys(obj)) (isAgent(seat) ? entry.agent : entry.human).add(key);
    into.set(pattern, entry);
  };
  const walk = (value: unknown, pattern: string) => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      const perSeat = value.length === seats && value.every((v) => v && typeof v === 'object' && !Array.isArray(v));
      value.forEach((v, i) => {
        if (perSeat) note(`${pattern}[seat]`, i, v as object);
        walk(v, `${pattern}[*]`);
      });
      return;
    }
    const seat = (value as { seat?: unknown }).seat;
    if (typeof seat === 'number' && Number.isInteger(seat) && seat >= 0 && seat < seats) note(`${pattern}{seat}`, seat, value);
    for (const [key, v] of Object.entries(value)) walk(v, `${pattern}.${key}`);
  };
  walk(payload, '$');
}

describe('blind arms: a participant\'s payloads never tell agents from humans', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await bootServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const adminGet = async (route: string) => (await server.api('GET', route)).json as Record<string, unknown>;
  let runs = 0;

  const variants = {
    'trust-split': {
      game: 'trust-split',
      preset: 'human',
      config: { rounds: 2, messagesPerRound: 1, timeouts: { speak: 3, propose: 3 } },
      table: { humans: 1, agents: ['tit-for-tat'] },
      humans: 1,
    },
    traitors: {
      game: 'traitors',
      preset: 'table',
      config: { players: 5, traitors: 1, introductions: false, discussionPasses: 1, traitorChatPasses: 1, maxRounds: 3, timeouts: { speak: 3, vote: 3, beliefs: 3 } },
      table: { humans: 2, agents: ['scripted', 'random', 'scripted'] },
      humans: 2,
    },
  } as const;

  it('holds over random studies, arrivals and play', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('trust-split', 'traitors') as fc.Arbitrary<keyof typeof variants>, fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), async (variant, seed, quizFails) => {
        const v = variants[variant];
        const run = ++runs;
        const study = {
          title: 'Blind property',
          slug: `blind-prop-${run}`,
          game: v.game,
          preset: v.preset,
          config: v.config,
          table: v.table,
          arms: [{ name: ARM, disclosure: 'blind', tablesTarget: 10, onTimeout: 'agents' }],
          pages: {
            consent: 'Consent.',
            quiz: { maxAttempts: 2, questions: [{ id: 'q', question: 'One plus one?', options: ['1', '2'], answer: 1, explanation: 'Two.' }] },
            survey: [{ id: 'fun', kind: 'likert', question: 'Fun?', scale: { min: 1, max: 5 } }],
          },
          timings: { maxWaitSec: 5, dropAfterSec: 30 },
          payment: { showUp: 1, bonusPerPoint: 0.01, currency: 'GBP' },
          completion: { codes: { completed: 'A1', failed_quiz: 'A2', no_group: 'A3', dropped: 'A4' }, redirectUrl: null },
        };
        const received: { bot: BotRecord; what: string; body: string }[] = [];
        const result = await runPilot({
          fileText: JSON.stringify(study),
          fileName: 'blind.json',
          url: server.url,
          adminToken: ADMIN_TOKEN,
          participants: v.humans,
          out: null,
          seed,
          arrivalSec: 2,
          quizFailShare: quizFails ? 1 : 0,
          leaveWaitingShare: 0,
          leaveGameShare: 0,
          timeoutSec: 300,
          progressMs: 0,
          log: () => {},
          onPayload: (bot, what, body) => received.push({ bot, what, body }),
        });
        expect(result.bots.map((b) => b.error)).toEqual(result.bots.map(() => null));
        expect(result.bots.every((b) => b.last?.completion?.outcome === 'completed')).toBe(true);

        // the truth, from the experimenter's side
        const sessionId = result.participants[0].sessionId!;
        expect(result.participants.every((p) => p.sessionId === sessionId)).toBe(true);
        const session = await adminGet(`/api/sessions/${sessionId}`);
        const seats = session.seats as { seat: number; kind: string; name: string }[];
        const agentSeats = new Set(seats.filter((s) => s.kind === 'agent').map((s) => s.seat));
        expect(agentSeats.size).toBe(seats.length - v.humans);
        // control: the scanner flags what the experimenter sees
        expect(leaks(session, 'admin').length).toBeGreaterThan(0);

        const shapes = new Map<string, { agent: Set<string>; human: Set<string> }>();
        let states = 0;
        for (const { bot, what, body } of received) {
          if (!body) continue;
          const payload = JSON.parse(body) as Record<string, unknown>;
          const where = `participant ${bot.index}: ${what}`;
          expect(leaks(payload, where)).toEqual([]);
          if (what === 'socket state') {
            states++;
            expect(payload.agentSeats, where).toBeNull();
            const names = payload.names as string[];
            expect(names).toHaveLength(seats.length);
            // every name from the one pool, none twice: agents are named as people are
            for (const name of names) expect(PLAYER_NAMES as readonly string[]).toContain(name);
            expect(new Set(names).size).toBe(names.length);
            // presence is masked: every seat looks alike whoever is (or is not) there
            const connected = payload.connected as boolean[];
            expect(new Set(connected).size, `${where}: connected ${JSON.stringify(connected)}`).toBe(1);
            seatObjectKeys(payload.view, seats.length, (s) => agentSeats.has(s), shapes);
          }
          if (what === 'socket presence') throw new Error(`${where}: a presence message in a blind arm (it says who is connected)`);
          // the REST state: never the arm, the same "human or AI?" question about every other seat
          const state = (payload.state ?? ('stage' in payload ? payload : null)) as
            | { judge?: { seat: number; name: string }[] | null; waiting?: { humansNeeded: number; humansPresent: number } | null }
            | null;
          // the waiting room waits for "the table": its numbers never say how many seats are people
          if (state?.waiting) expect(state.waiting.humansNeeded + state.waiting.humansPresent, where).toBeGreaterThanOrEqual(seats.length);
          if (state?.judge) {
            const mine = result.participants.find((p) => p.participantId === bot.participantId)!.seat!;
            expect(state.judge.map((j) => j.seat).sort()).toEqual(seats.map((s) => s.seat).filter((s) => s !== mine).sort());
            for (const j of state.judge) {
              expect(Object.keys(j).sort()).toEqual(['name', 'seat']);
              expect(j.name).toBe(seats.find((s) => s.seat === j.seat)!.name);
            }
          }
        }
        expect(states).toBeGreaterThan(0);
        // (with two people at the table, objects about both kinds of seat were compared)
        if (v.humans > 1) expect([...shapes.values()].some((k) => k.agent.size > 0 && k.human.size > 0)).toBe(true);
        // no key that only agent seats' objects (or only human seats' objects) carry
        for (const [pattern, keys] of shapes) {
          if (!keys.agent.size || !keys.human.size) continue;
          expect([...keys.agent].filter((k) => !keys.human.has(k)), `${pattern}: keys only agent seats have`).toEqual([]);
          expect([...keys.human].filter((k) => !keys.agent.has(k)), `${pattern}: keys only human seats have`).toEqual([]);
        }
        // every participant was asked to judge every other player
        for (const bot of result.bots) expect(bot.stages.map((s) => s.stage)).toContain('survey');
      }),
      { numRuns: 4, seed: 20261130, endOnFailure: true },
    );
  }, 900_000);
});
