// A single-page app: the API is on the same origin, the session is the HttpOnly cookie set by login.
export const ssr = false;
export const prerender = false;
