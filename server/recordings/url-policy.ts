// Recordings are fetched from Ringover's hosts only: a stored URL is attacker-controlled input (it
// came in a webhook), so fetching it must not become a way into the private network.
// Rules: the host is in RECORDING_ALLOWED_HOSTS (exact, or a subdomain of an entry written ".example.com");
// https, unless the host is loopback (local test servers); and it must not resolve to a private,
// link-local or otherwise internal address unless it is loopback by name.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export class RecordingUrlError extends Error {}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || /^127\./.test(hostname);
}

function hostAllowed(hostname: string, allowed: string[]): boolean {
  return allowed.some((entry) => (entry.startsWith('.') ? hostname.endsWith(entry) : hostname === entry));
}

function isInternalAddress(address: string): boolean {
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    if (a.startsWith('::ffff:')) return isInternalAddress(a.slice(7));
    return a === '::' || a === '::1' || a.startsWith('fc') || a.startsWith('fd') || a.startsWith('fe80');
  }
  const [a, b] = address.split('.').map(Number) as [number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

/** Throws RecordingUrlError unless `raw` may be fetched under the policy. */
async function checkRecordingUrl(raw: string, allowedHosts: string[]): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RecordingUrlError('the recording URL is not a URL');
  }
  const hostname = url.hostname.toLowerCase();
  if (!hostAllowed(hostname, allowedHosts)) {
    throw new RecordingUrlError(`recording host ${hostname} is not in RECORDING_ALLOWED_HOSTS`);
  }
  const loopback = isLoopbackHost(hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new RecordingUrlError('recordings are fetched over https only');
  }
  if (!loopback) {
    const addresses = isIP(hostname) ? [{ address: hostname }] : await lookup(hostname, { all: true }).catch(() => []);
    if (addresses.length === 0) throw new RecordingUrlError(`recording host ${hostname} does not resolve`);
    if (addresses.some((a) => isInternalAddress(a.address))) {
      throw new RecordingUrlError(`recording host ${hostname} resolves to an internal address`);
    }
  }
  return url;
}

/**
 * fetch() that follows redirects itself, checking every hop against the policy.
 */
export async function fetchRecording(
  raw: string,
  allowedHosts: string[],
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  maxRedirects = 3,
): Promise<Response> {
  let url = await checkRecordingUrl(raw, allowedHosts);
  for (let hop = 0; ; hop++) {
    const response = await fetch(url, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hop >= maxRedirects) throw new RecordingUrlError('too many redirects');
    url = await checkRecordingUrl(new URL(location, url).toString(), allowedHosts);
  }
}
