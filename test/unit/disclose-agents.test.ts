import { describe, expect, it } from 'vitest';
import { discloseAgents, Store } from '../../client/store.ts';
import type { StatePayload } from '../../shared/protocol/index.ts';

function payload(agentSeats: number[] | null): StatePayload {
  return {
    sessionId: 's1',
    game: 'trust-split',
    version: 3,
    seat: 0,
    view: { names: ['Alice', 'Ben'], round: 1 },
    pending: null,
    deadline: null,
    outcome: null,
    status: 'active',
    names: ['Alice', 'Ben'],
    connected: [true, true],
    agentSeats,
    serverNow: 0,
  } as StatePayload;
}

describe('disclosed agents in the browser', () => {
  it('read "(AI)" after their name in the view the table renders from', () => {
    const shown = discloseAgents(payload([1]));
    expect((shown.view as { names: string[] }).names).toEqual(['Alice', 'Ben (AI)']);
    expect((shown.view as { round: number }).round).toBe(1);
    // the conversation and the results label lines with the payload's names
    expect(shown.names).toEqual(['Alice', 'Ben (AI)']);
  });

  it('are not marked when the session does not disclose them (blind: agentSeats null)', () => {
    const blind = payload(null);
    expect(discloseAgents(blind)).toBe(blind);
    expect((discloseAgents(payload([])).view as { names: string[] }).names).toEqual(['Alice', 'Ben']);
  });

  it('are marked in the store every scene and panel subscribes to', () => {
    const store = new Store();
    store.receiveState(payload([0]));
    expect((store.state.payload!.view as { names: string[] }).names).toEqual(['Alice (AI)', 'Ben']);
  });
});
