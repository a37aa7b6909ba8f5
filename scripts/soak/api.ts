import type { Counters } from './counters.ts';

/** REST calls to the soak's server; every 5xx and network failure is counted as an error. */
export class Api {
  constructor(readonly url: string, private readonly adminToken: string, private readonly counters: Counters) {}

  async call<T>(method: string, route: string, body?: unknown, options: { admin?: boolean } = {}): Promise<{ status: number; json: T; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (options.admin !== false) headers.authorization = `Bearer ${this.adminToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      this.counters.error(`http:${(err as Error).name === 'TimeoutError' ? 'timeout' : 'network'}`);
      throw err;
    }
    if (res.status >= 500) this.counters.error(`http:${res.status}`);
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, json: json as T, headers: res.headers };
  }

  /** An admin call that must succeed. */
  async must<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, route, body);
    if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    return res.json;
  }
}
