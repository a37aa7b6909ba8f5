import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import type { ExportFile } from './files.ts';

/** An export file's chunks as bytes, for byte streams (files, zip entries). */
function bytesOf(file: ExportFile): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of file.content()) yield Buffer.from(chunk);
    })(),
    { objectMode: false },
  );
}

/** Write an export's files into a directory, one streamed file at a time. */
export async function writeExportDir(files: readonly ExportFile[], dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const file of files) await pipeline(bytesOf(file), createWriteStream(join(dir, file.name)));
}

/**
 * Stream an export as a zip. Archiver takes entries one after another and pulls each file's
 * generator only while writing it, so at most one file's current chunk is in memory.
 *
 * Failure ends this one zip and nothing else: archiver never listens for errors on the entry
 * streams it is given, so an entry that fails (a bug in a table, a broken log row) would be an
 * unhandled 'error' event that kills the process. Each entry's error destroys the zip instead,
 * which fails the pipeline (destroying `out`) and rejects this promise for the caller to log.
 */
export async function writeExportZip(files: readonly ExportFile[], out: Writable, folder = ''): Promise<void> {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const done = pipeline(zip, out);
  for (const file of files) {
    const entry = bytesOf(file);
    entry.once('error', (error) => zip.destroy(error));
    zip.append(entry, { name: folder ? `${folder}/${file.name}` : file.name });
  }
  // both settle or the first failure wins; either way neither rejection goes unhandled
  await Promise.all([zip.finalize(), done]);
}
