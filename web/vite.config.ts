// The staff UI: a SvelteKit single-page app, built to web/build and served by the Express server on
// the same origin as the API (server/web-ui.ts). `npm run dev` runs this Vite dev server, which sends
// API, GraphQL and live-stream requests to the API server.
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const api = process.env.RINGSIDE_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', precompress: true }),
    }),
  ],
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/graphql': { target: api, changeOrigin: false },
    },
  },
});
