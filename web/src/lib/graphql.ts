// GraphQL (PostGraphile at /graphql) through urql's core client: same origin, the session cookie.
// Documents are written with graphql() (gql.tada): their results and variables are typed from the
// committed API schema (db/schema.graphql → src/graphql-env.d.ts, both written by npm run db:schema).
// A field the API does not have is typed `unknown`, so svelte-check fails where the code reads it;
// one the code never reads goes unnoticed (GraphQLSP's full validation, `gql.tada check`, needs
// @gql.tada/svelte-support at a version the registry does not have yet).
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { initGraphQLTada } from 'gql.tada';
export type { ResultOf } from 'gql.tada';
import { goto } from '$app/navigation';
import type { introspection } from '../graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  // PostGraphile's scalars as JSON carries them.
  scalars: { UUID: string; Datetime: string; Date: string; Cursor: string; JSON: unknown };
}>();

export const client = new Client({
  url: '/graphql',
  exchanges: [fetchExchange],
  requestPolicy: 'network-only',
  fetchOptions: {
    credentials: 'same-origin',
    headers: { accept: 'application/graphql-response+json, application/json' },
  },
  preferGetMethod: false,
});

export class GraphqlError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

async function unwrap<T>(result: {
  data?: T;
  error?: {
    graphQLErrors: Array<{ message: string; extensions?: Record<string, unknown> }>;
    networkError?: Error;
    response?: Response;
  };
}): Promise<T> {
  if (result.error) {
    if (result.error.response?.status === 401) {
      await goto(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    const first = result.error.graphQLErrors[0];
    throw new GraphqlError(
      first?.message ?? result.error.networkError?.message ?? 'GraphQL error',
      first?.extensions?.code as string | undefined,
    );
  }
  return result.data as T;
}

// A graphql() document infers both types; a plain string (not converted yet) names its result type.
// `fetchFn` is a load function's own fetch (SvelteKit's), when it calls.
export async function gqlQuery<T, V extends AnyVariables>(
  document: TypedDocumentNode<T, V>,
  variables?: V,
  fetchFn?: typeof fetch,
): Promise<T>;
export async function gqlQuery<T>(document: string, variables?: AnyVariables, fetchFn?: typeof fetch): Promise<T>;
export async function gqlQuery<T>(
  document: string | TypedDocumentNode<T, AnyVariables>,
  variables: AnyVariables = {},
  fetchFn?: typeof fetch,
): Promise<T> {
  return unwrap<T>(await client.query<T>(document, variables, fetchFn && { fetch: fetchFn }).toPromise());
}

export async function gqlMutation<T, V extends AnyVariables>(
  document: TypedDocumentNode<T, V>,
  variables?: V,
): Promise<T>;
export async function gqlMutation<T>(document: string, variables?: AnyVariables): Promise<T>;
export async function gqlMutation<T>(
  document: string | TypedDocumentNode<T, AnyVariables>,
  variables: AnyVariables = {},
): Promise<T> {
  return unwrap<T>(await client.mutation<T>(document, variables).toPromise());
}

/**
 * The items of a list without its nulls. PostGraphile types root fields, connections and their
 * nodes as nullable (a row can vanish under row-level security between planning and reading).
 */
export function present<T>(items: ReadonlyArray<T | null> | null | undefined): T[] {
  return items?.filter((item): item is T => item !== null) ?? [];
}

/** Orders by a text that may be null (nulls first), in the reader's language. */
export function byText<T>(text: (item: T) => string | null | undefined, descending = false): (a: T, b: T) => number {
  return (a, b) => (descending ? -1 : 1) * (text(a) ?? '').localeCompare(text(b) ?? '');
}
