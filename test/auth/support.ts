// Staff requests over real HTTP, for the session and authorization tests.
export async function logIn(
  baseUrl: string,
  user: { email: string; password: string },
): Promise<{ status: number; token?: string; cookie?: string }> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const body = (await res.json()) as { token?: string };
  return { status: res.status, token: body.token, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function graphql(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer(token) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string }> } };
}

/** The status of GET /api/v1/events/stream (the stream is closed as soon as its headers arrived). */
export async function streamStatus(
  baseUrl: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events/stream${query}`, { headers, signal: abort.signal });
  const status = res.status;
  abort.abort();
  await res.body?.cancel().catch(() => {});
  return status;
}
