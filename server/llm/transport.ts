import http from 'node:http';
import type { FetchFunction } from './providers.ts';

/**
 * A small fetch over node:http with keep-alive, for plain-http endpoints (Ollama, vLLM, llama.cpp
 * server, LM Studio on localhost or a LAN). Many games at once against a local server make
 * hundreds of requests a second, and Node's built-in fetch costs about a third of a call's CPU
 * there; this does the same job for the AI SDK's non-streaming requests at a fraction of it.
 * HTTPS endpoints (hosted APIs) keep the built-in fetch.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });

/** Statuses whose responses never have a body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

function requestHeaders(init: RequestInit | undefined): Record<string, string> {
  // null prototype: a header named "__proto__" is a header like any other
  const out: Record<string, string> = Object.create(null);
  const given = init?.headers;
  if (!given) return out;
  if (given instanceof Headers) given.forEach((value, key) => (out[key] = value));
  else if (Array.isArray(given)) for (const [key, value] of given) out[key.toLowerCase()] = value;
  else for (const [key, value] of Object.entries(given)) if (value !== undefined) out[key.toLowerCase()] = String(value);
  return out;
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('httpFetch sends only string or byte bodies');
}

export const httpFetch: FetchFunction = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('http:')) return globalThis.fetch(input, init);
  return new Promise<Response>((resolve, reject) => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      return;
    }
    const body = requestBody(init?.body);
    const headers = requestHeaders(init);
    // a length rather than chunked encoding: some local servers handle only that
    if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    const req = http.request(url, { method: init?.method ?? 'GET', headers, agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 502;
        resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: responseHeaders }));
      });
    });
    // an aborted request rejects with the signal's reason, like fetch (the AI SDK recognises AbortError/TimeoutError)
    req.on('error', (error) => reject(signal?.aborted ? (signal.reason ?? error) : error));
    req.end(body);
  });
};
