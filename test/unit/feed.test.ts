import { describe, expect, it } from 'vitest';
import { StateFeed, type FeedMessage } from '../../server/live/feed.ts';
import type { Peer } from '../../server/room/fanout.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { applyUpdate } from '../../shared/protocol/patch.ts';

function peer(id: string): Peer & { got: FeedMessage[] } {
  const got: FeedMessage[] = [];
  return {
    id,
    connected: true,
    got,
    emit: (event: string, payload: unknown) => got.push({ event, payload } as FeedMessage),
    disconnect: () => {},
  };
}

function payload(seat: number | null, version: number, statements: readonly string[]): StatePayload {
  return {
    sessionId: 's',
    game: 'traitors',
    version,
    seat,
    view: { statements, mine: seat },
    pending: null,
    deadline: null,
    outcome: null,
    status: 'active',
    names: ['A', 'B', 'C'],
    connected: [true, true, true],
    agentSeats: null,
    takenOver: [],
    serverNow: 1000 + version,
  };
}

/** A feed whose fan-out records each encoding (one call = one message encoded once). */
function recordingFeed() {
  const feed = new StateFeed();
  const encodings: { ids: string[]; message: FeedMessage }[] = [];
  feed.useFanOut((peers, message) => {
    encodings.push({ ids: peers.map((p) => p.id), message });
    for (const p of peers) (p as ReturnType<typeof peer>).got.push(message);
  });
  return { feed, encodings };
}

describe('StateFeed', () => {
  it('sends a full-mode peer (or one never opened) full states, a patch-mode peer a state and then updates', () => {
    const { feed } = recordingFeed();
    const [full, plain, patched] = [peer('full'), peer('plain'), peer('patched')];
    feed.open(full, 'full');
    feed.open(patched, 'patch');
    const first = ['hello'];
    for (const p of [full, plain, patched]) feed.sendFull(p, payload(0, 1, first));
    feed.broadcast([full, plain, patched].map((p) => ({ peer: p, payload: payload(0, 2, [...first, 'hi']) })));
    expect(full.got.map((m) => m.event)).toEqual(['state', 'state']);
    expect(plain.got.map((m) => m.event)).toEqual(['state', 'state']);
    expect(patched.got.map((m) => m.event)).toEqual(['state', 'update']);
    const update = patched.got[1];
    if (update.event !== 'update') throw new Error('expected an update');
    expect(update.payload.patch).toEqual([
      { op: 'replace', path: '/version', value: 2 },
      { op: 'add', path: '/view/statements/-', value: 'hi' },
      { op: 'replace', path: '/serverNow', value: 1002 },
    ]);
    expect(applyUpdate(patched.got[0].payload as StatePayload, update.payload)).toEqual(payload(0, 2, [...first, 'hi']));
  });

  it('encodes a payload shared by reference, and the same patch for many seats, once per broadcast', () => {
    const { feed, encodings } = recordingFeed();
    const spectators = [peer('s1'), peer('s2'), peer('s3')];
    const fullSpectators = [peer('f1'), peer('f2')];
    const seats = [peer('a'), peer('b')];
    for (const p of [...spectators, ...seats]) feed.open(p, 'patch');
    const statements = ['hello'];
    const spectatorFirst = payload(null, 1, statements);
    for (const p of [...spectators, ...fullSpectators]) feed.sendFull(p, spectatorFirst);
    seats.forEach((p, seat) => feed.sendFull(p, payload(seat, 1, statements)));
    encodings.length = 0;

    const more = [...statements, 'hi'];
    // the spectator sees more than the seats (say, the night chat)
    const spectatorNext = { ...payload(null, 2, more), view: { statements: more, mine: null, whispers: ['psst'] } };
    feed.broadcast([
      ...seats.map((p, seat) => ({ peer: p, payload: { ...payload(seat, 2, more), view: { statements: more, mine: seat } } })),
      ...[...spectators, ...fullSpectators].map((p) => ({ peer: p, payload: spectatorNext })),
    ]);
    // the two full-mode spectators: one encoding; the three patch spectators: one; the two seats,
    // whose patches are the same (a public statement), one
    expect(encodings.map((e) => [e.message.event, e.ids])).toEqual([
      ['state', ['f1', 'f2']],
      ['update', ['a', 'b']],
      ['update', ['s1', 's2', 's3']],
    ]);
  });

  it('skips a patch-mode peer whose payload did not change, and answers a resync only after an update', () => {
    const { feed } = recordingFeed();
    const p = peer('p');
    feed.open(p, 'patch');
    const statements = ['x'];
    feed.sendFull(p, payload(1, 1, statements));
    expect(feed.resync(p, () => payload(1, 1, statements))).toBe(false);
    feed.send(p, 1, payload(1, 1, statements));
    expect(p.got).toHaveLength(1);
    feed.send(p, 1, payload(1, 2, statements));
    expect(p.got.map((m) => m.event)).toEqual(['state', 'update']);
    expect(feed.resync(p, () => payload(1, 2, statements))).toBe(true);
    expect(p.got.map((m) => m.event)).toEqual(['state', 'update', 'state']);
    expect(feed.resync(p, () => payload(1, 2, statements))).toBe(false);
  });

  it('refuses to send a seat another seat\'s state, and forgets a peer that left', () => {
    const { feed } = recordingFeed();
    const p = peer('p');
    feed.open(p, 'patch');
    expect(() => feed.send(p, 0, payload(1, 1, []))).toThrow(/seat 1 sent to seat 0/);
    expect(p.got).toEqual([]);
    feed.send(p, 1, payload(1, 1, []));
    feed.forget(p);
    // a forgotten peer is a stranger: full states only
    feed.send(p, 1, payload(1, 2, ['y']));
    expect(p.got.map((m) => m.event)).toEqual(['state', 'state']);
  });
});
