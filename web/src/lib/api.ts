// The REST API on the same origin; the session is the HttpOnly cookie set by login.
import { goto } from '$app/navigation';
import type { LiveCall } from './live/events.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** `fetchFn` is a load function's own fetch (SvelteKit's), when it calls. */
export async function api<T>(path: string, init: RequestInit = {}, fetchFn: typeof fetch = fetch): Promise<T> {
  const res = await fetchFn(path, {
    credentials: 'same-origin',
    ...init,
    headers: { accept: 'application/json', ...(init.headers ?? {}) },
  });
  if (res.status === 401 && !path.startsWith('/api/v1/auth/')) {
    await goto(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, 'unauthenticated', 'Log in first.');
  }
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? res.statusText);
  return body as T;
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A call in the list: exactly what the live stream announces (one shape, 000037-one-call-shape.sql). */
export type CallSummary = LiveCall;

export interface CallDetail extends CallSummary {
  ai_summary?: string;
  transcript?: string;
  transcript_segments?: unknown;
  extracted_tasks?: Array<{ title: string; description?: string; due_date?: string; priority?: string }>;
  ai_errors?: unknown;
}

export interface CallPage {
  items: CallSummary[];
  total: number;
  page: number;
  per_page: number;
}

export interface CallStats {
  total: number;
  answer_rate: number | null;
  average_duration_seconds: number | null;
  by_type: Record<string, number>;
  by_direction: Record<string, number>;
}
