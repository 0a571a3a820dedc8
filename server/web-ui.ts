// The staff UI, served on the same origin as the API. Until the SvelteKit app is built, a
// placeholder page.
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';

export function installWebUi(app: Express, _opts: { dev: boolean }): void {
  app.use(express.static(fileURLToPath(new URL('../web/placeholder', import.meta.url))));
}
