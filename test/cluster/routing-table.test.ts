/**
 * The primary's choice of worker for a new connection (server/cluster/routing.ts), from the first
 * request's head: an engine.io sid first, then the `session` hint, then the least loaded worker.
 */
import { describe, expect, it } from 'vitest';
import { routingHints, RoutingTable } from '../../server/cluster/routing.ts';

const head = (target: string) => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade`;

describe('routingHints', () => {
  it('reads sid and session from the request line only', () => {
    expect(routingHints(head('/socket.io/?EIO=4&transport=websocket&session=abc123'))).toEqual({ sid: null, session: 'abc123' });
    expect(routingHints(head('/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA'))).toEqual({ sid: 'AAAAAAAAAAAAAAAAAAAA', session: null });
    expect(routingHints('GET /api/sessions HTTP/1.1\r\nReferer: http://x/?session=nope')).toEqual({ sid: null, session: null });
    expect(routingHints(head('/socket.io/?session=a%20b'))).toEqual({ sid: null, session: 'a b' });
  });
});

describe('RoutingTable', () => {
  it('sends a hinted connection to the owner, and anything unknown to the least loaded worker', () => {
    const table = new RoutingTable();
    table.ownership(2, ['s1'], true);
    expect(table.choose(head('/socket.io/?session=s1'), [1, 2])).toBe(2);
    // worker 2 carries a session: the unhinted and the unknown go to worker 1
    expect(table.choose(head('/socket.io/?session=unknown'), [1, 2])).toBe(1);
    expect(table.choose(head('/api/sessions'), [1, 2])).toBe(1);
    // keys are client text: names of Object.prototype are just unknown sessions
    expect(table.choose(head('/socket.io/?session=constructor'), [1, 2])).toBe(1);
    expect(table.choose(head('/socket.io/?session=__proto__'), [1, 2])).toBe(1);
  });

  it('keeps polling requests with the worker holding their engine.io connection, before any hint', () => {
    const table = new RoutingTable();
    table.ownership(1, ['s1'], true);
    table.connectionOpened(2, 'SID2SID2SID2SID2SID2');
    expect(table.choose(head('/socket.io/?EIO=4&transport=polling&sid=SID2SID2SID2SID2SID2&session=s1'), [1, 2])).toBe(2);
    table.connectionClosed(2, 'SID2SID2SID2SID2SID2');
    expect(table.choose(head('/socket.io/?EIO=4&transport=polling&sid=SID2SID2SID2SID2SID2&session=s1'), [1, 2])).toBe(1);
  });

  it('takes workers in turn when their loads are equal (a burst of new sessions spreads)', () => {
    const table = new RoutingTable();
    const picks = [0, 1, 2, 3].map(() => table.choose(head('/api/sessions'), [1, 2]));
    expect(new Set(picks)).toEqual(new Set([1, 2]));
    expect(picks[0]).not.toBe(picks[1]);
  });

  it("follows a session to the process that took it over, and forgets a dead worker's", () => {
    const table = new RoutingTable();
    table.ownership(1, ['s1', 's2'], true);
    // the taker announces before the old owner's late release: the release changes nothing
    table.ownership(2, ['s1'], true);
    table.ownership(1, ['s1'], false);
    expect(table.ownerOf('s1')).toBe(2);
    table.workerGone(1);
    expect(table.ownerOf('s2')).toBeUndefined();
    // a worker no longer live is never chosen, even as a known owner
    table.ownership(3, ['s3'], true);
    expect(table.choose(head('/socket.io/?session=s3'), [2, 4])).not.toBe(3);
    table.ownership(2, ['s1'], false);
    expect(table.ownerOf('s1')).toBeUndefined();
  });
});
