import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './limits.ts';
import { CONSOLE_CSRF_HEADER } from '../shared/protocol/console.ts';

/**
 * A JSON error the API answers with: `{ error: message, ...details }`, this status and any extra
 * headers (e.g. Retry-After). `details` carries machine-readable parts, e.g. a study file's
 * `problems: [{ path, message }]` for the console to show at each field.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** the path's captured parts, e.g. the session id */
  params: string[];
  /** where clients reach this server, e.g. http://localhost:3000 (for join URLs); never from request headers */
  baseUrl: string;
  /** the request body parsed as JSON and validated (400 on failure) */
  body<T>(schema: z.ZodType<T>): Promise<T>;
}

/** Return a value to answer with JSON (status 200, or `{status, json}`), or write to ctx.res yourself and return undefined. */
export type RouteResult = unknown;

export interface Route {
  method: 'GET' | 'POST';
  /** matched against the path; capture groups become ctx.params */
  pattern: RegExp;
  /** true: needs `Authorization: Bearer <admin token>` or a signed-in console's cookie (server/console/auth.ts) */
  admin: boolean;
  handle(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

/** Answer with a status other than 200. */
export function withStatus(status: number, json: unknown): { [STATUS]: number; json: unknown } {
  return { [STATUS]: status, json };
}
const STATUS = Symbol('status');

const MAX_BODY_BYTES = 1_000_000;

/**
 * Sent with every page, API answer and static file. Seat tokens live in URL paths, so no referrer
 * leaves the page and no other site may frame it. The policy is what the built Phaser client needs:
 * its own scripts only (no eval), inline styles (Phaser and the DOM controls set them), data: and
 * blob: images for generated textures, and its own origin for Socket.io (ws: included in 'self').
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Readable one-line-per-problem message from a zod error. */
export function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'body';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** A request body as UTF-8 text; 413 naming `what` once it passes `maxBytes` (read no further). */
export async function readBodyText(req: IncomingMessage, maxBytes: number, what = 'Request body'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `${what} is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(req, MAX_BODY_BYTES);
  if (!text.trim()) throw new HttpError(400, 'Request body is empty; send a JSON object.');
  // checked on the text, before parsing: deep nesting costs the parser and the schemas time for nothing
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new HttpError(400, `Request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; send a flatter JSON object.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON.');
  }
}

function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time check of the Bearer token against the admin token. */
function isAdmin(req: IncomingMessage, adminTokenHash: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return Boolean(match && timingSafeEqual(sha256(match[1]), adminTokenHash));
}

export interface HttpOptions {
  routes: Route[];
  adminToken: string;
  /** built client (dist/client); null when there is none */
  staticDir: string | null;
  /** where clients reach this server, for links (PARLEY_PUBLIC_URL, else the listening origin); read per request */
  publicUrl: () => string;
  log: (message: string) => void;
  /** whether the request carries a valid console session cookie (server/console/auth.ts); absent: Bearer only */
  consoleSignedIn?: (req: IncomingMessage) => Promise<boolean>;
}

/** The node:http request handler: API routes, then the static client with its SPA fallback. */
export function createRequestHandler(options: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const adminTokenHash = sha256(options.adminToken);
  return (req, res) => {
    void handle(req, res).catch((err) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { ...err.details, error: err.message }, err.headers);
        else res.end();
        return;
      }
      options.log(`HTTP ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error.' });
      else res.destroy();
    });
  };

  /**
   * Admin routes take the Bearer header (scripts) or the console's cookie. A browser sends the
   * cookie by itself, so a cookie request that changes something must also carry the console's
   * header, which a cross-site form or a CORS-less fetch cannot add.
   */
  async function checkAdmin(req: IncomingMessage, method: string): Promise<void> {
    if (isAdmin(req, adminTokenHash)) return;
    if (await options.consoleSignedIn?.(req)) {
      if (method !== 'GET' && method !== 'HEAD' && req.headers[CONSOLE_CSRF_HEADER] !== '1') {
        throw new HttpError(403, `A signed-in console request that changes something must carry the header "${CONSOLE_CSRF_HEADER}: 1"; cross-site request refused.`);
      }
      return;
    }
    throw new HttpError(
      401,
      'Missing or wrong admin token: send the header "Authorization: Bearer <admin token>" (printed at server start), or sign in to the console at /console.',
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const route of options.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) continue;
      if (route.admin) await checkAdmin(req, method);
      // links never come from the Host header: a forged one would hand out links to another site
      const baseUrl = options.publicUrl();
      const result = await route.handle({
        req,
        res,
        params: m.slice(1),
        baseUrl,
        async body<T>(schema: z.ZodType<T>): Promise<T> {
          const parsed = schema.safeParse(await readJson(req));
          if (!parsed.success) throw new HttpError(400, `Invalid request: ${zodMessage(parsed.error)}`);
          return parsed.data;
        },
      });
      if (res.headersSent || res.writableEnded) return;
      if (result && typeof result === 'object' && STATUS in result) {
        const r = result as { [STATUS]: number; json: unknown };
        sendJson(res, r[STATUS], r.json);
      } else {
        sendJson(res, 200, result ?? null);
      }
      return;
    }
    if (pathMatched) throw new HttpError(405, `Method ${method} is not allowed on ${pathname}.`);
    if (pathname.startsWith('/api/')) throw new HttpError(404, `No API endpoint ${method} ${pathname}.`);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `Method ${method} is not allowed on ${pathname}.`);
    await serveStatic(pathname, req, res);
  }

  async function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const root = options.staticDir;
    if (!root) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Parley</title><h1>Parley</h1><p>The browser client is not built. Run <code>npm run build</code>.</p>');
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      throw new HttpError(400, 'Malformed URL.');
    }
    const file = path.resolve(root, '.' + relative);
    // never serve anything outside the client directory
    const inside = file === root || file.startsWith(root + path.sep);
    let target: string | null = null;
    if (inside && existsSync(file) && statSync(file).isFile()) target = file;
    else if (!path.extname(relative)) target = path.join(root, 'index.html'); // SPA routes: /, /play/<token>, /watch/<token>
    if (!target || !existsSync(target)) throw new HttpError(404, `Not found: ${pathname}`);
    const type = CONTENT_TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream';
    // hashed build assets never change under their name; everything else is revalidated
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    const encoding = precompressedEncoding(target, req.headers['accept-encoding']);
    const sent = encoding ? `${target}.${ENCODED_SUFFIX[encoding]}` : target;
    res.writeHead(200, {
      'content-type': type,
      'content-length': statSync(sent).size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(sent);
    stream.pipe(res);
    await once(stream, 'close');
  }
}

const ENCODED_SUFFIX = { br: 'br', gzip: 'gz' } as const;

/**
 * The encoding to send a static file in: brotli, else gzip, when the browser accepts it and the
 * build wrote that copy (scripts/precompress.ts); null: send the file as it is.
 */
export function precompressedEncoding(file: string, acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^q=0(?:\.0*)?$/.test(q.trim()))
      .map(([name]) => name.trim().toLowerCase()),
  );
  for (const encoding of ['br', 'gzip'] as const) {
    if (accepted.has(encoding) && existsSync(`${file}.${ENCODED_SUFFIX[encoding]}`)) return encoding;
  }
  return null;
}

/** Write JSON lines with backpressure. */
export async function streamLines(res: ServerResponse, lines: AsyncIterable<string> | Iterable<string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  for await (const line of lines) {
    if (!res.write(line)) await once(res, 'drain');
  }
  res.end();
}
