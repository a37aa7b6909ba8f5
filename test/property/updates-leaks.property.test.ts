import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traitors, type TraitorsEvent, type TraitorsState } from '../../shared/games/traitors/index.ts';
import type { LogRow, StatePayload } from '../../shared/protocol/index.ts';
import { bootServer, gameRows, type TestServer } from '../integration/helpers.ts';
import { recordFeed, UpdatesClient, distinct } from '../integration/updates-client.ts';

// For several seeded Traitors games played by eight patch clients: what each seat holds after
// every update is exactly its own full view at that version (so a patch never adds anything the
// seat may not know), and no patch a faithful seat receives carries the night chat, a fellow
// traitor or anyone's hidden role.

let t: TestServer;
let sent: Map<string, StatePayload[]>;
beforeAll(async () => {
  t = await bootServer();
  sent = recordFeed(t.server.sessions.feed);
});
afterAll(async () => {
  await t.close();
});


function statesBySeq(log: readonly LogRow[]): Map<number, TraitorsState> {
  const out = new Map<number, TraitorsState>();
  let state: TraitorsState | undefined;
  for (const row of log) {
    if (row.kind === 'game') state = traitors.reduce(state, row.event as unknown as TraitorsEvent);
    out.set(row.seq, state!);
  }
  return out;
}

/** Every string and number inside a value, as JSON would write it. */
function leaves(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string' || typeof value === 'number') out.add(JSON.stringify(value));
  else if (typeof value === 'object' && value !== null) for (const member of Object.values(value)) leaves(member, out);
  return out;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('patches never tell a seat more than its own full view', () => {
  for (const seed of [3, 8, 13, 21]) {
    it(`seed ${seed}`, async () => {
      const created = await t.createSession({ game: 'traitors', preset: 'table', seed, seats: Array.from({ length: 8 }, () => ({ kind: 'external' })) });
      const seats = created.seats.map((s, i) => new UpdatesClient(t.url, s.token!, 'patch', seed * 100 + i));
      const spectator = new UpdatesClient(t.url, created.spectatorToken, 'patch');
      const all = [...seats, spectator];
      try {
        await Promise.all(all.map((c) => c.connected()));
        for (const seat of seats) seat.autoplay();
        await Promise.all(all.map((c) => c.waitForOutcome()));
        await until(() => all.every((c) => isDeepStrictEqual(c.latest, (sent.get(c.id) ?? []).at(-1))), 'the last states to arrive');
        const log = await t.events(created.id);
        const states = statesBySeq(log);
        const setup = log[0].event as unknown as { roles: string[] };
        const publicTexts = new Set(gameRows(log).filter((r) => r.event.type === 'statement' && r.event.channel === 'public').map((r) => r.event.text));
        const whispers = gameRows(log)
          .filter((r) => r.event.type === 'statement' && r.event.channel === 'traitors' && !publicTexts.has(r.event.text))
          .map((r) => JSON.stringify(r.event.text).slice(1, -1));
        expect(whispers.length).toBeGreaterThan(0);

        for (const [seat, client] of seats.entries()) {
          // held after each message = the full state the server would have sent = the seat's own view of the log
          const held = distinct(client.payloads);
          expect(client.updates.length).toBeGreaterThan(20);
          expect(held).toEqual(sent.get(client.id));
          for (const payload of held) {
            expect(payload.view).toEqual(JSON.parse(JSON.stringify(traitors.view(states.get(payload.version)!, seat))));
          }
          // every value an update carries is in the full payload it leads to
          client.updates.forEach((update, i) => {
            // no gaps: the first payload held came in the connect state, each next one from an update
            const full = JSON.stringify(client.payloads[i + 1]);
            for (const leaf of leaves(update.patch.map((op) => ('value' in op ? op.value : null)))) expect(full).toContain(leaf);
          });
          if (setup.roles[seat] !== 'faithful') continue;
          for (const update of client.updates) {
            const json = JSON.stringify(update);
            for (const whisper of whispers) expect(json).not.toContain(whisper);
            const over = states.get(update.version)!.phase.kind === 'over';
            if (!over) expect(json).not.toContain('"roles"');
            for (const op of update.patch) expect(op.path).not.toMatch(/^\/view\/(traitorChat|fellowTraitors|nightBallots|spectator)\b/);
          }
        }
        // the scan can see a leak: the traitors' and the spectator's patches carry the whispers
        const insiders = [spectator, ...seats.filter((_, seat) => setup.roles[seat] === 'traitor')];
        for (const client of insiders) expect(client.updates.map((u) => JSON.stringify(u)).join('\n')).toContain(whispers[whispers.length - 1]);
      } finally {
        for (const client of all) client.close();
      }
    });
  }
});

// Recruitment (issue 14): the same sessions with recruitment on. A seat that is faithful and was
// never offered holds exactly its own view at every version and never receives a word of an offer
// (its phase, pending, the recruit ballot, the answer), while the offered seat and the traitors do.
describe('with recruitment, no patch tells an uninvolved faithful of an offer', () => {
  let offersSeen = 0;
  for (const seed of [3, 8, 13]) {
    it(`seed ${seed}`, async () => {
      const created = await t.createSession({ game: 'traitors', preset: 'table', seed, config: { recruitment: { refusal: 'murdered' } }, seats: Array.from({ length: 8 }, () => ({ kind: 'external' })) });
      const seats = created.seats.map((s, i) => new UpdatesClient(t.url, s.token!, 'patch', seed * 100 + i));
      try {
        await Promise.all(seats.map((c) => c.connected()));
        for (const seat of seats) seat.autoplay();
        await Promise.all(seats.map((c) => c.waitForOutcome()));
        await until(() => seats.every((c) => isDeepStrictEqual(c.latest, (sent.get(c.id) ?? []).at(-1))), 'the last states to arrive');
        const log = await t.events(created.id);
        const states = statesBySeq(log);
        const offered = new Set(gameRows(log).flatMap((r) => (r.event.type === 'recruitOffered' ? [r.event.seat as number] : [])));
        offersSeen += offered.size;
        for (const [seat, client] of seats.entries()) {
          const held = distinct(client.payloads);
          for (const payload of held) expect(payload.view).toEqual(JSON.parse(JSON.stringify(traitors.view(states.get(payload.version)!, seat))));
          if (offered.has(seat)) {
            // the scan can see it: the offered seat's own patches carry the offer
            expect(client.updates.some((u) => JSON.stringify(u).includes('"kind":"offer"'))).toBe(true);
            continue;
          }
          for (const update of client.updates) {
            const state = states.get(update.version)!;
            if (state.roles[seat] !== 'faithful' || state.phase.kind === 'over') continue;
            expect(JSON.stringify(update)).not.toMatch(/recruitOffer|"kind":"offer"|"ballot":"recruit"|"accepted"/);
          }
        }
      } finally {
        for (const client of seats) client.close();
      }
    });
  }
  it('the sessions above made offers (so the scan was exercised)', () => {
    expect(offersSeen).toBeGreaterThan(0);
  });
});
