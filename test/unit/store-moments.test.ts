// The store's presentation queue: a state waits while the moments leading to it play, the seat's
// turn never waits behind one, a replay's jump lands at once, and presence reaches waiting states.
import { describe, expect, it } from 'vitest';
import type { StatePayload } from '../../shared/protocol/index.ts';
import { Store, type MomentPlayer } from '../../client/store.ts';

function state(version: number, extra: Partial<StatePayload> = {}): StatePayload {
  return {
    sessionId: 's1',
    game: 'traitors',
    seat: 0,
    version,
    serverNow: 0,
    status: 'active',
    pending: null,
    deadline: null,
    connected: [true, true],
    agentSeats: null,
    view: { names: ['Ada', 'Bob'], moments: version },
    ...extra,
  } as unknown as StatePayload;
}

/** A player that has a moment between any two states whose `view.moments` differ by 10 or more. */
class FakePlayer implements MomentPlayer {
  calls: { from: number; to: number; brief: boolean }[] = [];
  private done: (() => void) | null = null;
  play(before: StatePayload, after: StatePayload, brief: boolean, done: () => void): boolean {
    const a = (before.view as { moments: number }).moments;
    const b = (after.view as { moments: number }).moments;
    if (Math.floor(b / 10) === Math.floor(a / 10)) return false;
    this.calls.push({ from: before.version, to: after.version, brief });
    if (!brief) this.done = done;
    return true;
  }
  hurry(): void {
    this.finish();
  }
  finish(): void {
    const done = this.done;
    this.done = null;
    done?.();
  }
  get playing(): boolean {
    return this.done !== null;
  }
}

function setup() {
  const store = new Store();
  const player = new FakePlayer();
  const shown: number[] = [];
  store.subscribe((s) => shown.push(s.payload?.version ?? -1));
  store.receiveState(state(1));
  store.setMomentPlayer(player);
  return { store, player, shown };
}

describe('store presentation queue', () => {
  it('shows a state only after the moments leading to it have played, then the newest that waited', () => {
    const { store, player, shown } = setup();
    store.receiveState(state(2)); // no moment: shown at once
    store.receiveState(state(10)); // a banishment: waits
    expect(store.state.payload?.version).toBe(2);
    expect(player.playing).toBe(true);
    store.receiveState(state(11));
    store.receiveState(state(12));
    expect(store.state.payload?.version).toBe(2);
    player.finish();
    // 10, then the states behind it in one step (no moment between 10 and 12)
    expect(shown).toEqual([1, 2, 10, 12]);
    expect(player.calls).toEqual([{ from: 2, to: 10, brief: false }]);
  });

  it('a request for the seat cuts the moment short and shows at once; its own moments play briefly', () => {
    const { store, player } = setup();
    store.receiveState(state(10));
    expect(store.state.payload?.version).toBe(1);
    store.receiveState(state(20, { pending: { kind: 'speak' } as unknown as StatePayload['pending'] }));
    expect(player.playing).toBe(false);
    expect(store.state.payload?.version).toBe(20);
    expect(player.calls).toEqual([
      { from: 1, to: 10, brief: false },
      { from: 10, to: 20, brief: true },
    ]);
  });

  it('a replay jump drops what waited and lands without a moment; a step forward plays one', () => {
    const { store, player } = setup();
    store.showReplayFrame(state(10), false);
    expect(store.state.payload?.version).toBe(1);
    store.showReplayFrame(state(11), false);
    store.showReplayFrame(state(3), true);
    expect(store.state.payload?.version).toBe(3);
    expect(store.state.jump).toBe(true);
    // the abandoned moment's late end changes nothing
    player.finish();
    expect(store.state.payload?.version).toBe(3);
  });

  it('stale states are ignored against the newest waiting one; presence reaches waiting states', () => {
    const { store, player } = setup();
    store.receiveState(state(10));
    // older than the state held behind the moment
    store.receiveState(state(7));
    player.finish();
    expect(store.state.payload?.version).toBe(10);
    store.receiveState(state(20));
    store.receiveState(state(21));
    store.receiveState(state(15));
    store.receivePresence({ sessionId: 's1', connected: [true, false] } as never);
    player.finish();
    expect(store.state.payload?.version).toBe(21);
    expect(store.state.payload?.connected).toEqual([true, false]);
  });

  it('without a player (another scene) states show at once, and a player leaving mid-moment releases them', () => {
    const { store, player } = setup();
    store.receiveState(state(10));
    expect(store.state.payload?.version).toBe(1);
    store.setMomentPlayer(null);
    expect(store.state.payload?.version).toBe(10);
    store.receiveState(state(20));
    expect(store.state.payload?.version).toBe(20);
    expect(player.calls.length).toBe(1);
  });
});
