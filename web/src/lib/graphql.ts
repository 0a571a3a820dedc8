// GraphQL (PostGraphile at /graphql) through urql's core client: same origin, the session cookie.
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { goto } from '$app/navigation';

export const client = new Client({
  url: '/graphql',
  exchanges: [fetchExchange],
  requestPolicy: 'network-only',
  fetchOptions: { credentials: 'same-origin', headers: { accept: 'application/graphql-response+json, application/json' } },
  preferGetMethod: false,
});

export class GraphqlError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

async function unwrap<T>(result: { data?: T; error?: { graphQLErrors: Array<{ message: string; extensions?: Record<string, unknown> }>; networkError?: Error; response?: Response } }): Promise<T> {
  if (result.error) {
    if (result.error.response?.status === 401) {
      await goto(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    const first = result.error.graphQLErrors[0];
    throw new GraphqlError(first?.message ?? result.error.networkError?.message ?? 'GraphQL error', first?.extensions?.code as string | undefined);
  }
  return result.data as T;
}

export async function gqlQuery<T>(document: string | TypedDocumentNode<T, AnyVariables>, variables: AnyVariables = {}): Promise<T> {
  return unwrap<T>(await client.query<T>(document as string, variables).toPromise());
}

export async function gqlMutation<T>(document: string | TypedDocumentNode<T, AnyVariables>, variables: AnyVariables = {}): Promise<T> {
  return unwrap<T>(await client.mutation<T>(document as string, variables).toPromise());
}
