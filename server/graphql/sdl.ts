// The GraphQL schema a running server serves, as SDL sorted by name so that it is stable: what
// db/schema.graphql holds (npm run db:schema) and what test/http/graphql-schema.test.ts compares it
// with. Read through /graphql itself (introspection, with descriptions), so that whatever plugins and
// presets install.ts uses, the committed file shows exactly what clients get.
import { randomUUID } from 'node:crypto';
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'postgraphile/graphql';
import type { TokenService } from '../auth/tokens.ts';
import { GRAPHQL_PATH } from './install.ts';

export const SCHEMA_SDL_FILE = new URL('../../db/schema.graphql', import.meta.url);

export async function servedSchemaSDL(serverUrl: string, tokens: TokenService): Promise<string> {
  // Any staff token will do: the schema is the same for every tenant and user.
  const { token } = await tokens.issue({ userId: randomUUID(), tenantId: randomUUID(), role: 'staff' }, 60);
  const res = await fetch(`${serverUrl}${GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, oneOf: true }) }),
  });
  const body = (await res.json()) as { data?: IntrospectionQuery; errors?: unknown };
  if (!res.ok || !body.data) throw new Error(`introspection failed (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body)}`);
  return `${printSchema(lexicographicSortSchema(buildClientSchema(body.data)))}\n`;
}
