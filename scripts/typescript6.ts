// Preload (`node --import ./scripts/typescript6.ts …`) for the tools that drive TypeScript through its
// JavaScript API: svelte-check, typescript-eslint and SvelteKit's tsconfig validation (svelte-kit sync,
// vite build). TypeScript 7, the project's compiler, is native and has no such API, and npm cannot give
// these tools a TypeScript of their own (it is their peer dependency). The TypeScript team publishes
// TypeScript 6's API as @typescript/typescript6 for exactly this; this hook hands it to whoever asks
// for `typescript` in this process. `tsc` (npm run typecheck) stays TypeScript 7.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'typescript' || specifier === 'typescript/package.json') {
      return nextResolve(specifier.replace('typescript', '@typescript/typescript6'), context);
    }
    return nextResolve(specifier, context);
  },
});
