// The GraphQL schema a running server serves, as SDL sorted by name so that it is stable: what
// db/schema.graphql holds (npm run db:schema) and what test/http/graphql-schema.test.ts compares it
// with. Printed from the very schema PostGraphile built for /graphql (with the descriptions the
// database comments give), so that whatever plugins and presets install.ts uses, the committed file
// shows exactly what clients get — without introspection, which production refuses.
import { lexicographicSortSchema, printSchema } from 'postgraphile/graphql';
import type { GraphqlApi } from './install.ts';

export const SCHEMA_SDL_FILE = new URL('../../db/schema.graphql', import.meta.url);

export async function servedSchemaSDL(graphql: GraphqlApi): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await graphql.instance.getSchema()))}\n`;
}
