import { describe, expect, it } from 'vitest';
import { chachaBlock, Purpose, Rng, RngKey, seedProblem, type StreamState } from '../../shared/engine/rng.ts';

const RFC_KEY_HEX = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join('');
// RFC 8439 §2.3.2: the state after 20 rounds and the final addition
const RFC_BLOCK = [
  0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
  0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9, 0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
];

describe('ChaCha20', () => {
  it('matches the RFC 8439 §2.3.2 block-function test vector', () => {
    const key = RngKey.fromHex(RFC_KEY_HEX);
    expect(key.words[0]).toBe(0x03020100);
    const out = new Uint32Array(16);
    chachaBlock(key.words, 1, [0x09000000, 0x4a000000, 0x00000000], out);
    expect(Array.from(out)).toEqual(RFC_BLOCK);
  });

  it('serialised states address the same keystream (key hex in RFC byte order, position in words)', () => {
    const state: StreamState = { key: RFC_KEY_HEX, stream: [0x09000000, 0x4a000000, 0], position: 16 };
    const rng = Rng.from(state);
    expect(Array.from({ length: 16 }, () => rng.uint32())).toEqual(RFC_BLOCK);
    expect(rng.state).toEqual({ ...state, position: 32 });
  });
});

describe('Rng streams', () => {
  it('are a pure function of seed and purpose, and resume exactly from any stored state', () => {
    const a = Rng.stream(42, Purpose.game);
    const xs = Array.from({ length: 50 }, () => a.next());
    const again = Rng.stream(42, Purpose.game);
    expect(Array.from({ length: 50 }, () => again.next())).toEqual(xs);
    const b = Rng.stream(42, Purpose.game);
    for (let i = 0; i < 17; i++) b.next(); // past a block boundary
    const stored = JSON.parse(JSON.stringify(b.state)) as StreamState;
    const resumed = Rng.from(stored);
    expect(Array.from({ length: 33 }, () => resumed.next())).toEqual(xs.slice(17));
  });

  it('separate purposes, seats, decisions and seeds (numbers and hex strings never share a key)', () => {
    const first = (rng: Rng) => Array.from({ length: 4 }, () => rng.uint32()).join(',');
    const streams = [
      first(Rng.stream(1, Purpose.names)),
      first(Rng.stream(1, Purpose.roles)),
      first(Rng.stream(1, Purpose.agent, 0, 0)),
      first(Rng.stream(1, Purpose.agent, 0, 1)),
      first(Rng.stream(1, Purpose.agent, 1, 0)),
      first(Rng.stream(2, Purpose.names)),
      first(Rng.stream('00000000000000000000000000000001', Purpose.names)),
      first(Rng.stream('01000000000000000000000000000000', Purpose.names)),
    ];
    expect(new Set(streams).size).toBe(streams.length);
    expect(RngKey.fromSeed(1).hex).not.toBe(RngKey.fromSeed('01000000000000000000000000000000').hex);
  });

  it('draw integers uniformly in range and shuffle into a permutation', () => {
    const r = Rng.stream(1, Purpose.test);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(RangeError);
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = Rng.stream(3, Purpose.test).shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(input);
  });

  it('accept only integer seeds and 32 lowercase hex characters, saying what a seed must be', () => {
    expect(seedProblem(0)).toBeNull();
    expect(seedProblem('0123456789abcdef0123456789abcdef')).toBeNull();
    expect(seedProblem(-1)).toMatch(/non-negative integer/);
    expect(seedProblem(1.5)).toMatch(/non-negative integer/);
    expect(seedProblem('0123456789ABCDEF0123456789ABCDEF')).toMatch(/32 lowercase hex/);
    expect(seedProblem('abc')).toMatch(/32 lowercase hex/);
    expect(() => RngKey.fromSeed('constructor')).toThrow(/32 lowercase hex/);
    expect(() => Rng.from({ key: 'zz', stream: [0, 0, 0], position: 0 })).toThrow(/64 lowercase hex/);
  });
});

describe('legacy logs', () => {
  it('read a bare numeric state as the pre-ChaCha mulberry32 generator, output for output', () => {
    // values produced by the previous shared/engine/rng.ts (mulberry32) from state 12345
    const r = Rng.from(12345);
    expect([r.next(), r.next(), r.next()]).toEqual([0.9797282677609473, 0.3067522644996643, 0.484205421525985]);
    expect(r.state).toBe(1199742488);
  });
});
