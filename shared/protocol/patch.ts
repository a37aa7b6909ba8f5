import type { PatchOp, StatePayload, UpdatePayload } from './index.ts';

/**
 * JSON Patch (RFC 6902, the subset `add` / `replace` / `remove`) between two state payloads, for
 * the `update` message: the server diffs the payload it sent a connection last against the new
 * one, the client applies the patch to the payload it holds.
 *
 * The diff is cheap because payloads share records by reference with the immutable game state
 * (a view puts `state.statements` itself in, a reducer appends by building a new array around
 * the same old elements): the same reference means the same value, so unchanged subtrees are
 * never walked. Values are compared as JSON sees them: an `undefined` field is an absent field.
 */

export type { PatchOp, UpdatePayload } from './index.ts';

/** A patch that does not fit the document (a path that does not exist, an index out of range). */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

/** The operations that turn `prev` into `next` (deep-equal after JSON), in the order to apply them. */
export function diffPayload(prev: unknown, next: unknown): PatchOp[] {
  const ops: PatchOp[] = [];
  diffValue(prev, next, '', ops);
  return ops;
}

type Json = Record<string, unknown>;

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** JSON turns `undefined` in an array into null: so must a patch value. */
function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

function diffValue(a: unknown, b: unknown, path: string, ops: PatchOp[]): void {
  if (Object.is(a, b)) return; // same reference: nothing inside changed (payloads are never mutated)
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const start = ops.length;
    if (Array.isArray(a)) diffArray(a, b as unknown[], path, ops);
    else diffObject(a as Json, b as Json, path, ops);
    // as many changes as the value has members, all right at this level (a phase turning into
    // another, a short list shifting): the whole value is shorter than the steps
    const made = ops.length - start;
    if (made > 1 && made >= memberCount(b) && onlyDirect(ops, start, path)) {
      ops.length = start;
      ops.push({ op: 'replace', path, value: b });
    }
    return;
  }
  ops.push({ op: 'replace', path, value: jsonValue(b) });
}

function diffArray(a: readonly unknown[], b: readonly unknown[], path: string, ops: PatchOp[]): void {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) diffValue(jsonValue(a[i]), jsonValue(b[i]), `${path}/${i}`, ops);
  }
  for (let i = common; i < b.length; i++) ops.push({ op: 'add', path: `${path}/-`, value: jsonValue(b[i]) });
  // from the end, so each index is still valid when its turn comes
  for (let i = a.length - 1; i >= common; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
}

function diffObject(a: Json, b: Json, path: string, ops: PatchOp[]): void {
  for (const key of Object.keys(a)) {
    if (a[key] !== undefined && (!Object.hasOwn(b, key) || b[key] === undefined)) ops.push({ op: 'remove', path: `${path}/${escapeKey(key)}` });
  }
  for (const key of Object.keys(b)) {
    const value = b[key];
    const old = Object.hasOwn(a, key) ? a[key] : undefined;
    if (value === undefined || Object.is(old, value)) continue; // most members: the path is never built
    const child = `${path}/${escapeKey(key)}`;
    if (old === undefined) ops.push({ op: 'add', path: child, value });
    else diffValue(old, value, child, ops);
  }
}

function memberCount(value: object): number {
  return Array.isArray(value) ? value.length : Object.keys(value).length;
}

/** Whether ops[start…] all touch members of `path` itself, not anything deeper. */
function onlyDirect(ops: readonly PatchOp[], start: number, path: string): boolean {
  for (let i = start; i < ops.length; i++) if (ops[i].path.indexOf('/', path.length + 1) !== -1) return false;
  return true;
}

/** JSON Pointer escaping (RFC 6901): `~` → `~0`, `/` → `~1`. */
function escapeKey(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`"${path}" is not a JSON Pointer (it must start with "/")`);
  return path
    .slice(1)
    .split('/')
    .map((token) => (token.includes('~') ? token.replaceAll('~1', '/').replaceAll('~0', '~') : token));
}

/**
 * Apply `ops` to `doc` WITHOUT changing it: the result is a new document that copies only the
 * containers along the changed paths and shares everything else with `doc` (the browser compares
 * the previous payload with the next one, by reference, to animate what changed).
 * Throws PatchError when an operation does not fit.
 */
export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  // containers this call copied: later operations may change them in place
  const copies = new WeakSet<object>();
  let root: unknown = doc;
  for (const op of ops) root = applyOp(root, op, copies);
  return root as T;
}

function applyOp(root: unknown, op: PatchOp, copies: WeakSet<object>): unknown {
  const keys = parsePointer(op.path);
  if (keys.length === 0) {
    if (op.op === 'remove') throw new PatchError('cannot remove the whole document');
    return op.value;
  }
  const newRoot = writable(root, op.path, copies);
  let parent = newRoot;
  for (let i = 0; i < keys.length - 1; i++) {
    const child = writable(childOf(parent, keys[i], op.path), op.path, copies);
    setMember(parent, keys[i], child, op.path);
    parent = child;
  }
  const key = keys[keys.length - 1];
  if (Array.isArray(parent)) {
    if (op.op === 'add') {
      if (key === '-') parent.push(op.value);
      else parent.splice(arrayIndex(key, parent.length, op.path), 0, op.value);
    } else {
      const index = arrayIndex(key, parent.length - 1, op.path);
      if (op.op === 'replace') parent[index] = op.value;
      else parent.splice(index, 1);
    }
  } else {
    const object = parent as Json;
    if (op.op !== 'add' && !Object.hasOwn(object, key)) throw new PatchError(`${op.op} ${op.path}: there is no "${key}"`);
    if (op.op === 'remove') delete object[key];
    else setMember(object, key, op.value, op.path);
  }
  return newRoot;
}

/** A copy of `value` this patch may change (or `value` itself, when this patch made it). */
function writable(value: unknown, path: string, copies: WeakSet<object>): object {
  if (!isContainer(value)) throw new PatchError(`${path}: passes through a value that is not an object or array`);
  if (copies.has(value)) return value;
  const copy = Array.isArray(value) ? value.slice() : { ...value };
  copies.add(copy);
  return copy;
}

function childOf(parent: object, key: string, path: string): unknown {
  if (Array.isArray(parent)) return parent[arrayIndex(key, parent.length - 1, path)];
  if (!Object.hasOwn(parent, key)) throw new PatchError(`${path}: there is no "${key}"`);
  return (parent as Json)[key];
}

function setMember(parent: object, key: string, value: unknown, path: string): void {
  if (Array.isArray(parent)) parent[arrayIndex(key, parent.length - 1, path)] = value;
  // an own "__proto__" member (JSON.parse makes those) must stay data, never become the prototype
  else if (key === '__proto__') Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  else (parent as Json)[key] = value;
}

function arrayIndex(token: string, max: number, path: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`${path}: "${token}" is not an array index`);
  const index = Number(token);
  if (index > max) throw new PatchError(`${path}: index ${index} is out of range`);
  return index;
}

/**
 * The payload an `update` leads to from `payload`, or null when it does not follow it (a gap:
 * `from` is not the held version, another session, or a patch that does not fit) — then ask the
 * server for the full state again (`resync`).
 */
export function applyUpdate(payload: StatePayload, update: UpdatePayload): StatePayload | null {
  if (update.sessionId !== payload.sessionId || update.from !== payload.version) return null;
  let next: StatePayload;
  try {
    next = applyPatch(payload, update.patch);
  } catch (err) {
    if (err instanceof PatchError) return null;
    throw err;
  }
  return isContainer(next) && next.version === update.version ? next : null;
}
