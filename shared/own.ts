/**
 * `record[key]` for a key that came from outside (chat words, agent and preset names, URL
 * paths): only the record's OWN property, never one inherited from Object.prototype, so
 * "constructor", "__proto__" or "toString" find nothing instead of a built-in function.
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
