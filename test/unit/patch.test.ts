import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, applyUpdate, diffPayload, PatchError } from '../../shared/protocol/patch.ts';
import { PatchOpSchema, UpdatePayloadSchema, type StatePayload } from '../../shared/protocol/index.ts';

/** What a value looks like after the wire (socket.io sends JSON). */
const wire = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Freeze every container, so a mutation throws instead of passing unnoticed. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

const json = fc.jsonValue({ maxDepth: 4 });
/** two documents that share parts by reference, as successive payloads do */
const related = fc.tuple(json, json, json, fc.array(json, { maxLength: 4 }), fc.array(json, { maxLength: 4 })).map(([shared, x, y, head, tail]) => {
  const list = [...head];
  return [
    { shared, value: x, list, nested: { shared, list } },
    { shared, value: y, list: [...list, ...tail], nested: { shared, list: tail.length ? [...list, ...tail] : list }, added: tail },
  ] as const;
});

describe('diffPayload and applyPatch', () => {
  it('turn any JSON document into any other, without changing the first', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(json, json), related), ([a, b]) => {
        const before = structuredClone(a);
        deepFreeze(a);
        const ops = diffPayload(a, b);
        expect(applyPatch(a, ops)).toEqual(b);
        expect(a).toEqual(before);
        // and over the wire: the patch and the document as JSON
        expect(applyPatch(wire(a), wire(ops))).toEqual(wire(b));
        for (const op of ops) expect(PatchOpSchema.safeParse(wire(op)).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('give an empty patch for equal documents, even when no reference is shared', () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(diffPayload(a, structuredClone(a))).toEqual([]);
      }),
    );
  });

  it('never walk a subtree both documents share by reference', () => {
    const untouchable = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        throw new Error('walked a shared subtree');
      },
    });
    const statements = [{ text: 'a' }, { text: 'b' }];
    const a = { version: 1, view: { statements, shared: untouchable } };
    const b = { version: 2, view: { statements: [...statements, { text: 'c' }], shared: untouchable } };
    expect(diffPayload(a, b)).toEqual([
      { op: 'replace', path: '/version', value: 2 },
      { op: 'add', path: '/view/statements/-', value: { text: 'c' } },
    ]);
  });

  it('append to arrays, replace changed members, and remove from the end', () => {
    expect(diffPayload({ connected: [true, true, true, true] }, { connected: [true, true, false, true] })).toEqual([
      { op: 'replace', path: '/connected/2', value: false },
    ]);
    expect(diffPayload({ list: [1, 2, 3, 4, 5] }, { list: [1, 2, 3, 9] })).toEqual([
      { op: 'replace', path: '/list/3', value: 9 },
      { op: 'remove', path: '/list/4' },
    ]);
    // a short list that shifted is sent whole: fewer bytes than a step per member
    expect(diffPayload({ waitingFor: [1, 2, 3] }, { waitingFor: [2, 3] })).toEqual([{ op: 'replace', path: '/waitingFor', value: [2, 3] }]);
    // so is an object that became another (a new phase)
    expect(diffPayload({ phase: { kind: 'discussion', speaker: 2 } }, { phase: { kind: 'night' } })).toEqual([
      { op: 'replace', path: '/phase', value: { kind: 'night' } },
    ]);
  });

  it('treat an undefined field as absent, as JSON does', () => {
    expect(diffPayload({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
    expect(diffPayload({ a: 1 }, { a: 1, b: undefined })).toEqual([]);
    expect(diffPayload({ a: 1, b: 2 }, { a: 1, b: undefined })).toEqual([{ op: 'remove', path: '/b' }]);
    expect(diffPayload({ list: [1] }, { list: [1, undefined] })).toEqual([{ op: 'add', path: '/list/-', value: null }]);
  });

  it('escape keys with "/" and "~" as JSON Pointer says', () => {
    const a = { 'a/b': { '~c': 1 } };
    const b = { 'a/b': { '~c': 2 } };
    const ops = diffPayload(a, b);
    expect(ops).toEqual([{ op: 'replace', path: '/a~1b/~0c', value: 2 }]);
    expect(applyPatch(a, ops)).toEqual(b);
  });

  it('keep a "__proto__" member as data and never touch Object.prototype', () => {
    const a = JSON.parse('{"__proto__": {"polluted": false}, "x": 1}') as object;
    const b = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const result = applyPatch(a, diffPayload(a, b)) as Record<string, unknown>;
    expect(JSON.stringify(result)).toBe(JSON.stringify(b));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copy only the containers along the changed paths (structural sharing)', () => {
    const names = ['Ada', 'Ben'];
    const first = { seat: 0, text: 'hello' };
    const prev = { version: 3, names, view: { statements: [first], alive: [true, true] } };
    const next = applyPatch(prev, [
      { op: 'replace', path: '/version', value: 4 },
      { op: 'add', path: '/view/statements/-', value: { seat: 1, text: 'hi' } },
      { op: 'add', path: '/view/statements/-', value: { seat: 0, text: 'again' } },
    ]);
    expect(next.view.statements.map((s) => s.text)).toEqual(['hello', 'hi', 'again']);
    expect(prev.view.statements).toEqual([first]);
    expect(next.names).toBe(names);
    expect(next.view.alive).toBe(prev.view.alive);
    expect(next.view.statements[0]).toBe(first);
    expect(next.view).not.toBe(prev.view);
  });

  it('follow RFC 6902 for inserts and removals by index', () => {
    expect(applyPatch({ a: [1, 3] }, [{ op: 'add', path: '/a/1', value: 2 }])).toEqual({ a: [1, 2, 3] });
    expect(applyPatch({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/0' }])).toEqual({ a: [2, 3] });
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
  });

  it('refuse a patch that does not fit, with a PatchError', () => {
    const doc = { a: [1], b: { c: 1 }, n: 5 };
    const bad = [
      { op: 'replace', path: '/missing', value: 1 },
      { op: 'remove', path: '/b/missing' },
      { op: 'replace', path: '/a/1', value: 1 },
      { op: 'add', path: '/a/01', value: 1 },
      { op: 'add', path: '/n/x', value: 1 },
      { op: 'add', path: '/x/y', value: 1 },
      { op: 'add', path: 'a', value: 1 },
      { op: 'remove', path: '' },
    ] as const;
    for (const op of bad) expect(() => applyPatch(doc, [op]), op.path).toThrow(PatchError);
    expect(doc).toEqual({ a: [1], b: { c: 1 }, n: 5 });
  });
});

describe('applyUpdate', () => {
  const payload = {
    sessionId: 's1',
    game: 'traitors',
    version: 7,
    seat: 0,
    view: { statements: [] },
    pending: null,
    deadline: null,
    outcome: null,
    status: 'active',
    names: ['Ada', 'Ben'],
    connected: [true, true],
    agentSeats: null,
    takenOver: [],
    serverNow: 1000,
  } satisfies StatePayload;
  const next = { ...payload, version: 8, serverNow: 2000, view: { statements: [{ seat: 1, text: 'hi' }] } };
  const update = { sessionId: 's1', from: 7, version: 8, patch: diffPayload(payload, next) };

  it('gives the next payload when the update follows the one held', () => {
    expect(UpdatePayloadSchema.parse(wire(update))).toEqual(wire(update));
    expect(applyUpdate(wire(payload), wire(update))).toEqual(next);
  });

  it('gives null on a gap, another session, a patch that does not fit or a wrong version', () => {
    expect(applyUpdate({ ...payload, version: 6 }, update)).toBeNull();
    expect(applyUpdate({ ...payload, sessionId: 's2' }, update)).toBeNull();
    expect(applyUpdate(payload, { ...update, patch: [{ op: 'remove', path: '/nothing' }] })).toBeNull();
    expect(applyUpdate(payload, { ...update, version: 9 })).toBeNull();
  });
});
