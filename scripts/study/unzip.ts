// Read a zip (stored or deflated entries) through its central directory and write it to a folder.
// Only what the study export needs: no zip64, no encryption. Entry names are checked so that
// nothing is written outside the target folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** The zip's files by name (folders skipped). */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad zip: central directory entry ${i} is damaged`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (method !== 0 && method !== 8) throw new Error(`bad zip: ${name} uses compression method ${method} (only stored and deflated are read)`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
  }
  return files;
}

/** Write every file of the zip under `dir`; returns the paths written (relative to `dir`). */
export function unzipTo(zip: Buffer, dir: string): string[] {
  const root = path.resolve(dir);
  const written: string[] = [];
  for (const [name, data] of readZip(zip)) {
    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep)) throw new Error(`bad zip: entry "${name}" would be written outside ${root}`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data);
    written.push(path.relative(root, target));
  }
  return written;
}
