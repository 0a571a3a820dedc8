// Security headers on every answer (API, errors, webhooks, UI), installed first so that even a 404
// or an error carries them: helmet with `nosniff`, a same-origin referrer policy, no framing, and a
// Content-Security-Policy that lets an API answer do nothing at all if a browser ever renders it.
// The UI shell replaces that CSP with its own (server/security/shell-csp.ts). HSTS only when the
// public URL is https: sent over plain http it would lock a newcomer's localhost out of http.
import type { Express } from 'express';
import helmet from 'helmet';

/** The CSP of every answer that is not the UI shell: JSON and files need nothing. */
const API_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export function installSecurityHeaders(app: Express, opts: { publicUrl: string | undefined; ruru: boolean }): void {
  const https = opts.publicUrl?.startsWith('https:') ?? false;
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    // The UI loads only same-origin resources; nothing else embeds ours.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // Ruru (GraphiQL at /graphiql, in development or with GRAPHQL_INTROSPECTION=1) is a page of inline
  // scripts of its own: everything but the CSP.
  const ruru = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
  app.use((req, res, next) => (opts.ruru && req.path === '/graphiql' ? ruru : headers)(req, res, next));
}
