// npm run lint. ESLint with typescript-eslint and eslint-plugin-svelte (the setup SvelteKit's `sv`
// CLI writes): the only linter that understands Svelte 5 templates and runes fully. Rules without
// type information, so a run takes seconds on two cores; tsc and svelte-check do the type checking.
// Formatting is prettier's job (npm run format), not the linter's.
import js from '@eslint/js';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: [
      'node_modules/',
      '.data/',
      'web/build/',
      'web/.svelte-kit/',
      'web/node_modules/',
      'test-artifacts/',
      'web/src/graphql-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed parameters and variables say "deliberately unused" (Express error handlers, tuples).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // `declare global { namespace Grafast … }` is how libraries ask to be extended (declaration merging).
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // `catch {}` reads as "a failure here changes nothing" (e.g. an error body that is not JSON).
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      // Tests read untyped JSON answers and assert on their shape: the assertion is the type check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts', 'web/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      // resolve() only matters under a base path (kit.paths.base); the UI is served at the origin's root.
      'svelte/no-navigation-without-resolve': 'off',
      // It flags local, non-escaping instances too (a URLSearchParams built for goto(), the listener
      // Set of the live connection) that must not be reactive; reactive state is declared with $state.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
);
