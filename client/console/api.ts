// The console's REST calls. The browser sends the HttpOnly console cookie by itself; calls that
// change something add the CSRF header, which a cross-site form cannot set.
import { CONSOLE_CSRF_HEADER } from '../../shared/protocol/console.ts';
import { errorMessage, readJsonBody } from '../http.ts';

/** A refusal from the server: its HTTP status (0: unreachable), message, and per-field problems when it gives them. */
export class ConsoleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** e.g. a study file's problems: `{ path: "arms.0.config.rounds", message, line? }` (line: where in the file, when known) */
    readonly problems: { path: string; message: string; line?: number }[] = [],
  ) {
    super(message);
    this.name = 'ConsoleHttpError';
  }
}

/** Fired when any call answers 401: the console shows the sign-in form again. */
export const signedOut = new EventTarget();

export interface CallOptions {
  /** raw text body (e.g. a YAML study file) and its content type, instead of JSON */
  text?: { body: string; type: string };
}

export async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (options.text) {
    headers['content-type'] = options.text.type;
    payload = options.text.body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET') headers[CONSOLE_CSRF_HEADER] = '1';
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ConsoleHttpError(0, 'The server cannot be reached. Check that Parley is running, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const parsed = await readJsonBody(response);
  if (!response.ok) {
    const object = parsed && typeof parsed === 'object' ? (parsed as { problems?: unknown }) : {};
    const message = errorMessage(parsed, response.status);
    const problems = Array.isArray(object.problems)
      ? object.problems
          .filter((p): p is { path: string; message: string; line?: unknown } => !!p && typeof p.path === 'string' && typeof p.message === 'string')
          .map((p) => ({ path: p.path, message: p.message, ...(typeof p.line === 'number' ? { line: p.line } : {}) }))
      : [];
    if (response.status === 401 && !url.endsWith('/api/console/login')) signedOut.dispatchEvent(new Event('signedout'));
    throw new ConsoleHttpError(response.status, message, problems);
  }
  return parsed as T;
}
