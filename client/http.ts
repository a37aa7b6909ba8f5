// What the browser's API clients (the console, a study's pages) share: reading a JSON answer and
// the server's `{ error }` message out of a refusal.

/** The answer's JSON body, or null when it is empty or not JSON (a proxy's HTML error page). */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** The server's `error` message from a refusal's body, else "HTTP <status>". */
export function errorMessage(body: unknown, status: number): string {
  return body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' ? body.error : `HTTP ${status}`;
}
