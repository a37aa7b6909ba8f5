import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../../shared/engine/actions.ts';
import type { TrustSplitView } from '../../shared/games/trust-split/view.ts';
import { UNITS_PER_VISIBLE_CHAR } from '../../shared/text.ts';
import type { CreatedSession } from '../../shared/protocol/index.ts';
import { bootServer, connectClient, type TestClient, type TestServer } from '../integration/helpers.ts';

/**
 * Issue 9.7: control characters, bidi overrides and lone surrogates were stored and broadcast as
 * sent, and limits counted UTF-16 units. Text is now cleaned at the protocol boundary
 * (shared/text.ts): the log and the other seat's view hold the cleaned text.
 */

// e + combining acute (NFC: é), a right-to-left override and its pop, an isolate, NUL, BEL, DEL,
// a C1 control, CRLF, a tab, a lone low surrogate, and an emoji with a skin tone (one character)
const HOSTILE = 'cafe\u0301 \u202Eabc\u202C\u2066x\u2069 \u0000\u0007\u007F\u0085line1\r\nline2\ttab\uDC00 👍🏽';
const CLEANED = 'café abcx line1\nline2 tab 👍🏽';
const THUMB = '👍🏽'; // 4 UTF-16 units, 1 character

let t: TestServer;
let session: CreatedSession;
let players: TestClient[];

beforeAll(async () => {
  t = await bootServer();
  session = await t.createSession({
    game: 'trust-split',
    preset: 'human',
    seed: 21,
    seats: [{ kind: 'external', label: '\u202Eevil\u0007\nlabel\uD800' }, { kind: 'external', label: 'P-002' }],
  });
  players = session.seats.map((s, i) => connectClient(t.url, s.token!, { seed: i }));
  await Promise.all(players.map((p) => p.connected()));
});
afterAll(async () => {
  for (const p of players) p.close();
  await t.close();
});

/** The seat whose turn it is to speak (a new round opens with a speak turn), and the other. */
function speakerAndListener(): [TestClient, TestClient] {
  const first = players.findIndex((p) => p.latest?.pending?.kind === 'speak');
  expect(first).toBeGreaterThanOrEqual(0);
  return [players[first], players[1 - first]];
}

const messagesOf = (client: TestClient) => ((client.latest!.view as TrustSplitView).messages ?? []).map((m) => m.text);

describe('free text from a seat', () => {
  it('cleans a seat label when the session is created', async () => {
    expect((await t.server.store.session(session.id))!.seats[0].label).toBe('evil label');
  });

  it('logs and broadcasts the cleaned text; over-long text is refused with a clear error and logs nothing', async () => {
    const [speaker, listener] = speakerAndListener();
    const ack = await speaker.act({ kind: 'speak', text: HOSTILE });
    expect(ack).toMatchObject({ ok: true });
    const version = ack.ok ? ack.version : -1;

    const log = await t.events(session.id);
    const logged = log.filter((r) => r.kind === 'game' && r.event.type === 'message').map((r) => r.event.text);
    expect(logged).toEqual([CLEANED]);
    await listener.waitFor((s) => s.version >= version);
    expect(messagesOf(listener)).toEqual([CLEANED]);
    expect(messagesOf(speaker)).toEqual([CLEANED]);

    // the listener answers: 281 characters is one too many (whatever they cost in UTF-16) …
    await listener.waitFor((s) => s.pending?.kind === 'speak');
    const before = (await t.events(session.id)).length;
    const tooLong = await listener.act({ kind: 'speak', text: THUMB.repeat(281) });
    expect(tooLong).toEqual({ ok: false, code: 'too_long', message: 'A message has at most 280 characters (got 281); send a shorter one.' });
    const overCap = await listener.act({ kind: 'speak', text: 'a'.repeat(MAX_TEXT_CHARS * UNITS_PER_VISIBLE_CHAR + 1) });
    expect(overCap).toMatchObject({ ok: false, code: 'invalid_payload', message: expect.stringContaining(`at most ${MAX_TEXT_CHARS} characters`) });
    expect((await t.events(session.id)).length).toBe(before);

    // … while 280 of them (1,120 UTF-16 units) fit, counted as the player sees them
    const fits = await listener.act({ kind: 'speak', text: THUMB.repeat(280) });
    expect(fits).toMatchObject({ ok: true });
    await speaker.waitFor((s) => s.version >= (fits.ok ? fits.version : Infinity));
    expect(messagesOf(speaker)).toEqual([CLEANED, THUMB.repeat(280)]);
  });

  it('refuses an over-long label with a clear 400 and creates nothing', async () => {
    const res = await t.api<{ error: string }>('POST', '/api/sessions', {
      game: 'trust-split',
      preset: 'human',
      seats: [{ kind: 'human', label: 'x'.repeat(201) }, { kind: 'human' }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toContain('at most 200 characters');
    // a 200-character label of emoji is fine: counted as characters, not UTF-16 units
    const ok = await t.api('POST', '/api/sessions', { game: 'trust-split', preset: 'human', seats: [{ kind: 'human', label: THUMB.repeat(200) }, { kind: 'human' }] });
    expect(ok.status).toBe(201);
  });
});
