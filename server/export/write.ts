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
 */
export async function writeExportZip(files: readonly ExportFile[], out: Writable, folder = ''): Promise<void> {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const done = pipeline(zip, out);
  for (const file of files) zip.append(bytesOf(file), { name: folder ? `${folder}/${file.name}` : file.name });
  await zip.finalize();
  await done;
}
