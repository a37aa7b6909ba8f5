// The built client is served compressed (brotli, else gzip) when the browser accepts it, from the
// copies the build writes (scripts/precompress.ts), with long-lived caching for hashed assets.
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../scripts/precompress.ts';
import { bootServer, fakeClientDir, type TestServer } from './helpers.ts';

function get(url: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static client compression', () => {
  let server: TestServer;
  const script = `console.log(${JSON.stringify('parley '.repeat(2000))});\n`;

  beforeAll(async () => {
    const dir = fakeClientDir();
    writeFileSync(path.join(dir, 'assets', 'table-abc123.js'), script);
    const written = precompressDir(dir);
    expect(written.files).toBe(1); // the tiny app.js and index.html stay as they are
    expect(written.brotliBytes).toBeLessThan(script.length / 10);
    server = await bootServer({ staticDir: dir });
  });
  afterAll(() => server.server.close());

  it('sends brotli when accepted, with long-lived caching for a hashed asset', async () => {
    const res = await get(`${server.url}/assets/table-abc123.js`, 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('accept-encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(script);
  });

  it('falls back to gzip, and brotli refused with q=0 counts as not accepted', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip;q=0.8']) {
      const res = await get(`${server.url}/assets/table-abc123.js`, accept);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(res.body).toString('utf8')).toBe(script);
    }
  });

  it('sends the file as it is without an accepted encoding, or when no compressed copy exists', async () => {
    const plain = await get(`${server.url}/assets/table-abc123.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(script);
    const small = await get(`${server.url}/assets/app.js`, 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.toString('utf8')).toBe('console.log("parley")');
    const page = await get(`${server.url}/play/some-token`, 'br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body.toString('utf8')).toContain('Parley test client');
  });
});
