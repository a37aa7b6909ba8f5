import { io, type Socket } from 'socket.io-client';
import { CONSOLE_CSRF_HEADER, type ConsoleSessionsMessage, type SessionSummary } from '../../shared/protocol/console.ts';
import { ADMIN_TOKEN } from '../integration/helpers.ts';

/** Sign in like the console page does; returns the `name=value` part of the cookie and the whole Set-Cookie header. */
export async function signIn(url: string, token = ADMIN_TOKEN): Promise<{ cookie: string; setCookie: string; status: number }> {
  const res = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const setCookie = res.headers.getSetCookie()[0] ?? '';
  return { cookie: setCookie.split(';')[0], setCookie, status: res.status };
}

/** A request with the console cookie (and, unless `csrf: false`, the console's header on POST). */
export async function cookieCall<T = unknown>(
  url: string,
  cookie: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
  csrf = true,
): Promise<{ status: number; json: T; headers: Headers }> {
  const headers: Record<string, string> = { cookie };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && csrf) headers[CONSOLE_CSRF_HEADER] = '1';
  const res = await fetch(url + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json: json as T, headers: res.headers };
}

/** A `/console` socket that keeps the table as the console page would, and can wait for it to satisfy a test. */
export class ConsoleClient {
  readonly socket: Socket;
  readonly table = new Map<string, SessionSummary>();
  readonly messages: ConsoleSessionsMessage[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(url: string, auth: { cookie?: string; adminToken?: string }) {
    this.socket = io(`${url}/console`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(auth.adminToken !== undefined ? { auth: { adminToken: auth.adminToken } } : {}),
      ...(auth.cookie !== undefined ? { extraHeaders: { cookie: auth.cookie } } : {}),
    });
    this.socket.on('sessions', (message: ConsoleSessionsMessage) => {
      this.messages.push(message);
      if (message.full) {
        this.table.clear();
        for (const s of message.sessions) this.table.set(s.id, s);
      } else {
        for (const s of message.upsert) this.table.set(s.id, s);
        for (const id of message.remove) this.table.delete(id);
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.test()) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** Resolves once `test(table)` holds (now or after a later message). */
  waitFor(what: string, test: (table: Map<string, SessionSummary>) => boolean, timeoutMs = 15_000): Promise<void> {
    if (this.messages.length && test(this.table)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; table: ${JSON.stringify([...this.table.values()])}`)), timeoutMs);
      this.waiters.push({
        test: () => test(this.table),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Rejects with the connect_error, resolves on connect. */
  connection(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
