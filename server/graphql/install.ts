// /graphql: PostGraphile 5 over app_public, mounted on the Express app (grafserv's Express adaptor).
//
// It connects through the staff pool, as ringside_authenticator, which can do nothing by itself; the
// staff token (Bearer or session cookie, naming a live session) becomes the transaction's pgSettings —
// role ringside_staff, app.current_tenant, app.current_user, app.current_role (the user's current role,
// from the session check: only admins may delete) — exactly what the REST routes set
// (staffSettings), so row-level security isolates tenants here too. A request without a valid token
// never reaches PostGraphile: it gets the same JSON 401 as the REST API.
// Ruru (GraphiQL) and introspection are served in development only, or with GRAPHQL_INTROSPECTION=1;
// page sizes, depth and aliases are limited (server/security/graphql-limits.ts), and every statement
// of the staff role times out after 5 s (migration 000022).
import type { Express } from 'express';
import type pg from 'pg';
import { postgraphile, type PostGraphileInstance } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/express/v4';
import type { CountryCode } from 'libphonenumber-js';
import { requireStaff } from '../auth/staff.ts';
import type { StaffToken } from '../auth/tokens.ts';
import type { StaffSessions } from '../auth/sessions.ts';
import { staffSettings } from '../db/transactions.ts';
import { TenantRegions } from '../tenants/region.ts';
import { RingsideSchemaPlugin, smartTags } from './schema.ts';
import { graphqlValidationLimits, PageSizeLimitPlugin } from '../security/graphql-limits.ts';

const GRAPHQL_PATH = '/graphql';

export interface GraphqlApi {
  instance: PostGraphileInstance;
  release(): Promise<void>;
}

declare global {
  namespace Grafast {
    interface Context {
      ringsideRegion: CountryCode;
      ringsideUserId: string;
      ringsideTenantId: string;
    }
  }
}

export async function installPostGraphile(
  app: Express,
  deps: {
    staffPool: pg.Pool;
    servicePool: pg.Pool;
    tokens: StaffSessions;
    development: boolean;
    /** GRAPHQL_INTROSPECTION: introspection and Ruru outside development too. */
    introspection?: boolean;
    /** GRAPHQL_MAX_DEPTH. */
    maxDepth?: number;
  },
): Promise<GraphqlApi> {
  const regions = new TenantRegions(deps.servicePool);
  const introspection = deps.development || deps.introspection === true;
  const preset: GraphileConfig.Preset = {
    extends: [PostGraphileAmberPreset],
    plugins: [
      smartTags,
      RingsideSchemaPlugin,
      PageSizeLimitPlugin,
      graphqlValidationLimits({ maxDepth: deps.maxDepth ?? 10, introspection }),
    ],
    pgServices: [makePgService({ pool: deps.staffPool, schemas: ['app_public'], pubsub: false })],
    schema: {
      // No SDL file written at start-up: db/schema.graphql is the committed copy, written by
      // `npm run db:schema` and compared with the built schema by test/http/graphql-schema.test.ts.
      exportSchemaSDLPath: undefined,
    },
    grafserv: {
      graphqlPath: GRAPHQL_PATH,
      graphiql: introspection,
      graphiqlPath: '/graphiql',
      graphiqlOnGraphQLGET: false,
      websockets: false,
    },
    grafast: {
      explain: deps.development,
      async context(requestContext) {
        const req = requestContext.expressv4?.req as
          ((typeof requestContext.expressv4 & object)['req'] & { staff?: StaffToken }) | undefined;
        const staff = req?.staff;
        if (!staff) {
          // Only reachable if the route guard was bypassed: a role that can read nothing.
          return { pgSettings: { role: 'ringside_authenticator' } };
        }
        return {
          pgSettings: staffSettings(staff),
          ringsideRegion: await regions.get(staff.tenantId),
          ringsideUserId: staff.userId,
          ringsideTenantId: staff.tenantId,
        };
      },
    },
  };
  const instance = postgraphile(preset);
  const serv = instance.createServ(grafserv);
  app.use(GRAPHQL_PATH, requireStaff(deps.tokens));
  await serv.addTo(app, null);
  return {
    instance,
    async release() {
      // Releases the grafserv instance too.
      await instance.release();
    },
  };
}
