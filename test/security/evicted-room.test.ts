import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Room } from '../../server/room/room.ts';
import { bootServer, connectClient, type TestServer } from '../integration/helpers.ts';

/**
 * Found by the soak: in a reconnect storm, a finished session's room could be evicted (its last
 * connection had just left) after a new connection's handshake chose it but before the socket was
 * seated; that client then waited forever for its first state.
 */
describe('a connection whose room is evicted before it is seated', () => {
  let t: TestServer;
  let token: string;
  let id: string;
  beforeAll(async () => {
    t = await bootServer();
    const created = await t.createSession({ game: 'trust-split', preset: 'human', seats: [{ kind: 'human' }, { kind: 'agent', agent: 'scripted' }] });
    id = created.id;
    token = created.seats[0].token!;
    expect((await t.api('POST', `/api/sessions/${id}/end`)).status).toBe(200);
  });
  afterAll(() => t.close());

  it('still gets its state, from the room loaded again', async () => {
    const sessions = t.server.sessions;
    // evict the room exactly between the handshake (which picked it) and seating, once
    const connect = Room.prototype.connect;
    const evicted: Room[] = [];
    const spy = vi.spyOn(Room.prototype, 'connect').mockImplementation(function (this: Room, peer, seat) {
      if (evicted.length === 0) {
        evicted.push(this);
        sessions.evictIfIdle(this.id);
      }
      return connect.call(this, peer, seat);
    });
    const client = connectClient(t.url, token);
    const state = await client.connected(10_000);
    spy.mockRestore();
    expect(evicted).toHaveLength(1);
    expect(state.status).toBe('ended');
    expect(state.sessionId).toBe(id);
    expect(state.seat).toBe(0);
    // the socket now lives in the reloaded room, which knows it is there
    const reloaded = (await sessions.room(id))!;
    expect(reloaded).not.toBe(evicted[0]);
    expect(reloaded.connectionCount).toBe(1);
    client.close();
  });
});
