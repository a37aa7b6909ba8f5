import { describe, expect, it } from 'vitest';
import { Purpose, Rng } from '../../shared/engine/rng.ts';
import { answerForm, asSeat, extractJsonObject, extractTag } from '../../server/llm/answer.ts';

const NAMES = ['Alice', 'Ben', 'Chloe', 'Daniel', 'Elena'];
const vote = answerForm({ kind: 'vote', options: [1, 3], purpose: 'banish', timeLimitSec: 0 }, NAMES);
const speak = answerForm({ kind: 'speak', maxChars: 20, channel: 'public', purpose: 'discussion', timeLimitSec: 0 }, NAMES);
const beliefs = answerForm({ kind: 'beliefs', targets: [1, 2], timeLimitSec: 0 }, NAMES);
const propose = answerForm({ kind: 'propose', min: 0, max: 10, timeLimitSec: 0 }, NAMES);

describe('extraction', () => {
  it('finds a JSON object bare, fenced or inside prose', () => {
    expect(extractJsonObject('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJsonObject('Sure!\n```json\n{"a": 2}\n```')).toEqual({ ok: true, value: { a: 2 } });
    expect(extractJsonObject('I think {"a": 3} is right')).toEqual({ ok: true, value: { a: 3 } });
    expect(extractJsonObject('no json here').ok).toBe(false);
    expect(extractJsonObject('{"a": ').ok).toBe(false);
  });

  it('takes the last complete tag, or an unclosed final one', () => {
    expect(extractTag('<vote>1</vote> then <vote>3</vote>', 'vote')).toBe('3');
    expect(extractTag('<message>hello there', 'message')).toBe('hello there');
    expect(extractTag('nothing', 'vote')).toBeNull();
  });

  it('reads seats as numbers, labels or names', () => {
    expect(asSeat(3, NAMES)).toBe(3);
    expect(asSeat('seat 3 (Daniel)', NAMES)).toBe(3);
    expect(asSeat('daniel', NAMES)).toBe(3);
    expect(asSeat('I vote for Elena.', NAMES)).toBe(4);
    expect(asSeat('nobody', NAMES)).toBeNull();
    // names are text, not patterns
    expect(asSeat('I vote for (Max', ['Ann', '(Max'])).toBe(1);
  });
});

describe('vote answers', () => {
  it('accepts a listed seat in both modes, with thoughts', () => {
    expect(vote.parse('{"thoughts":"Ben lied","vote":1}', 'json')).toEqual({ ok: true, action: { kind: 'vote', target: 1 }, thoughts: 'Ben lied' });
    expect(vote.parse('<thoughts>hm</thoughts><vote>seat 3 (Daniel)</vote>', 'tagged')).toEqual({ ok: true, action: { kind: 'vote', target: 3 }, thoughts: 'hm' });
  });

  it('rejects a seat that is not an option, naming the choices', () => {
    const result = vote.parse('{"thoughts":"","vote":2}', 'json');
    expect(result).toMatchObject({ ok: false, kind: 'illegal' });
    expect(!result.ok && result.error).toContain('seat 1 (Ben), seat 3 (Daniel)');
  });

  it('rejects malformed output as a format error', () => {
    expect(vote.parse('{"thoughts": "x", "vote": ', 'json')).toMatchObject({ ok: false, kind: 'format' });
    expect(vote.parse('I pick Ben', 'tagged')).toMatchObject({ ok: false, kind: 'format' });
  });

  it('falls back to a listed seat', () => {
    const action = vote.fallback(Rng.stream(5, Purpose.test));
    expect(action.kind === 'vote' && [1, 3].includes(action.target)).toBe(true);
  });

  it('its JSON schema only allows the options', () => {
    expect(vote.schema.safeParse({ thoughts: '', vote: 3 }).success).toBe(true);
    expect(vote.schema.safeParse({ thoughts: '', vote: 2 }).success).toBe(false);
  });
});

describe('speak answers', () => {
  it('accepts text within the limit and rejects longer text with its length', () => {
    expect(speak.parse('<message>short</message>', 'tagged')).toMatchObject({ ok: true, action: { kind: 'speak', text: 'short' } });
    const long = speak.parse(JSON.stringify({ thoughts: '', message: 'x'.repeat(25) }), 'json');
    expect(long).toMatchObject({ ok: false, kind: 'illegal' });
    expect(!long.ok && long.error).toContain('25 characters; the limit is 20');
  });

  it('falls back to saying nothing', () => {
    expect(speak.fallback(Rng.stream(1, Purpose.test))).toEqual({ kind: 'speak', text: '' });
  });
});

describe('beliefs answers', () => {
  it('reads JSON objects and tagged lines, numbers as strings too', () => {
    expect(beliefs.parse('{"thoughts":"","suspicion":{"1":80,"2":"20"}}', 'json')).toMatchObject({
      ok: true,
      action: { kind: 'beliefs', suspicion: { '1': 80, '2': 20 } },
    });
    expect(beliefs.parse('<suspicion>\nseat 1 (Ben): 70\nChloe: 35%\n</suspicion>', 'tagged')).toMatchObject({
      ok: true,
      action: { kind: 'beliefs', suspicion: { '1': 70, '2': 35 } },
    });
  });

  it('rejects out-of-range values, unlisted seats and missing targets', () => {
    expect(beliefs.parse('{"suspicion":{"1":140,"2":20}}', 'json')).toMatchObject({ ok: false, kind: 'illegal' });
    const wrong = beliefs.parse('{"suspicion":{"0":10,"1":20,"2":20}}', 'json');
    expect(!wrong.ok && wrong.error).toContain('You do not rate seat 0 (Alice)');
    const missing = beliefs.parse('{"suspicion":{"1":20}}', 'json');
    expect(!missing.ok && missing.error).toContain('missing: seat 2 (Chloe)');
  });

  it('falls back to uniform 50', () => {
    expect(beliefs.fallback(Rng.stream(1, Purpose.test))).toEqual({ kind: 'beliefs', suspicion: { '1': 50, '2': 50 } });
  });
});

describe('propose answers', () => {
  it('accepts whole numbers in range and rejects the rest', () => {
    expect(propose.parse('<proposal>7</proposal>', 'tagged')).toMatchObject({ ok: true, action: { kind: 'propose', coins: 7 } });
    expect(propose.parse('<proposal>I keep 4 coins</proposal>', 'tagged')).toMatchObject({ ok: true, action: { coins: 4 } });
    expect(propose.parse('{"proposal": 11}', 'json')).toMatchObject({ ok: false, kind: 'illegal' });
    expect(propose.parse('{"proposal": 2.5}', 'json')).toMatchObject({ ok: false, kind: 'illegal' });
    expect(propose.parse('{"proposal": "lots"}', 'json')).toMatchObject({ ok: false, kind: 'format' });
  });

  it('falls back to the midpoint', () => {
    expect(propose.fallback(Rng.stream(1, Purpose.test))).toEqual({ kind: 'propose', coins: 5 });
  });
});

describe('choose answers (a Traitors recruitment offer)', () => {
  const choose = answerForm({ kind: 'choose', options: ['accept', 'refuse'], purpose: 'recruitOffer', timeLimitSec: 0 }, NAMES);

  it('takes exactly one named option, in either form, forgiving case and words around it', () => {
    expect(choose.parse('<thoughts>worth it</thoughts><choice>Accept</choice>', 'tagged')).toEqual({ ok: true, action: { kind: 'choose', option: 'accept' }, thoughts: 'worth it' });
    expect(choose.parse('<choice>I refuse.</choice>', 'tagged')).toMatchObject({ ok: true, action: { option: 'refuse' } });
    expect(choose.parse('{"thoughts": "no", "choice": "refuse"}', 'json')).toMatchObject({ ok: true, action: { option: 'refuse' } });
    expect(choose.parse('<choice>accept or refuse</choice>', 'tagged')).toMatchObject({ ok: false, kind: 'illegal' });
    expect(choose.parse('<choice>maybe</choice>', 'tagged')).toMatchObject({ ok: false, kind: 'illegal' });
    expect(choose.parse('{"choice": 1}', 'json')).toMatchObject({ ok: false, kind: 'format' });
    expect(choose.parse('{"vote": 1}', 'json')).toMatchObject({ ok: false, kind: 'format' });
    expect(choose.parse('no tag', 'tagged')).toMatchObject({ ok: false, kind: 'format' });
    expect(choose.schema.safeParse({ thoughts: '', choice: 'accept' }).success).toBe(true);
    expect(choose.schema.safeParse({ thoughts: '', choice: 'constructor' }).success).toBe(false);
  });

  it('falls back to the last option, the timeout default (refuse)', () => {
    expect(choose.fallback(Rng.stream(1, Purpose.test))).toEqual({ kind: 'choose', option: 'refuse' });
  });
});
