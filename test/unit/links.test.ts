import { describe, expect, it } from 'vitest';
import { playPath, sessionHint, watchPath } from '../../shared/protocol/links.ts';

describe('seat and spectator links', () => {
  it('carry the session id as the routing hint, which the page reads back', () => {
    const play = playPath('GC73L0ry_FyJtZpVP1PncrL8giC_6oJs', '6e1d947da8a0');
    expect(play).toBe('/play/GC73L0ry_FyJtZpVP1PncrL8giC_6oJs?session=6e1d947da8a0');
    expect(watchPath('tok', '6e1d947da8a0')).toBe('/watch/tok?session=6e1d947da8a0');
    expect(sessionHint(new URL(play, 'http://x').search)).toBe('6e1d947da8a0');
  });

  it('pass on only what could be a session id', () => {
    expect(sessionHint('')).toBeNull();
    expect(sessionHint('?session=')).toBeNull();
    for (const bad of ['constructor', '__proto__', '<script>', 'ABCDEF123456', '6e1d9', 'a'.repeat(33), '6e1d947da8a0&x']) {
      expect(sessionHint(`?session=${encodeURIComponent(bad)}`), bad).toBeNull();
    }
    expect(sessionHint('?token=x&session=00ff00ff00ff')).toBe('00ff00ff00ff');
  });
});
