// The experimenter API as the benchmarks call it: Bearer admin token, JSON in and out, any refusal thrown.
/** The admin token the benchmarks start their servers with. */
export const ADMIN_TOKEN = 'bench-admin-token';

export async function adminCall<T>(url: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(url + route, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
