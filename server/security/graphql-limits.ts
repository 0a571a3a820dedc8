// GraphQL limits (issue 9, finding 8): one staff login must not be able to pin the database.
//  - page size: every connection and list field reads at most MAX_PAGE_SIZE rows. `first`/`last`
//    above it are lowered to it, and a connection asked for without either reads the first
//    MAX_PAGE_SIZE (pageInfo.hasNextPage says there is more);
//  - depth and aliases: GraphQL Armor's validation rules refuse a too-deep or alias-flooded document
//    before it is planned;
//  - introspection (and Ruru) only in development or with GRAPHQL_INTROSPECTION=1: graphql-js's
//    NoSchemaIntrospectionCustomRule refuses __schema/__type otherwise.
// The statement timeout is the staff login role's (migration 000022).
import { createRequire } from 'node:module';
import { ConnectionStep, lambda, type Step } from 'postgraphile/grafast';

// graphql ships CommonJS and ES module builds, and their classes do not recognise each other's
// objects; PostGraphile runs on the CommonJS one, so these rules are loaded through require too.
const require = createRequire(import.meta.url);
const { maxAliasesRule } =
  require('@escape.tech/graphql-armor-max-aliases') as typeof import('@escape.tech/graphql-armor-max-aliases');
const { maxDepthRule } =
  require('@escape.tech/graphql-armor-max-depth') as typeof import('@escape.tech/graphql-armor-max-depth');
const { NoSchemaIntrospectionCustomRule } = require('graphql') as typeof import('graphql');

const MAX_PAGE_SIZE = 100;
const MAX_ALIASES = 30;

const clampPage = (n: number | null | undefined): number | null | undefined =>
  typeof n === 'number' && n > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : n;

/** Lowers `first`/`last` to MAX_PAGE_SIZE, and reads MAX_PAGE_SIZE when a connection is asked for without either. */
export const PageSizeLimitPlugin: GraphileConfig.Plugin = {
  name: 'RingsidePageSizeLimitPlugin',
  version: '1.0.0',
  after: ['PgFirstLastBeforeAfterArgsPlugin'],
  schema: {
    hooks: {
      // graphile-build builds a field, then its arguments: the field's plan is wrapped here so that it
      // sets first and last once, from both arguments together…
      GraphQLObjectType_fields_field(field, _build, context) {
        if (!isCollection(context.scope) || typeof field.plan !== 'function') return field;
        const plan = field.plan;
        return {
          ...field,
          plan(...planArgs: Parameters<typeof plan>) {
            const $result = plan(...planArgs) as Step;
            const [, fieldArgs, info] = planArgs as unknown as [
              unknown,
              { getRaw(name: string): Step },
              { field: { args: ReadonlyArray<{ name: string }> } },
            ];
            const has = (name: string) => info.field.args.some((arg) => arg.name === name);
            const target = $result as unknown as { setFirst?(s: Step): void; setLast?(s: Step): void };
            if (!has('first') || !($result instanceof ConnectionStep || typeof target.setFirst === 'function'))
              return $result;
            const $first = fieldArgs.getRaw('first') as Step<number | null | undefined>;
            if (has('last')) {
              const $last = fieldArgs.getRaw('last') as Step<number | null | undefined>;
              target.setFirst!(
                lambda(
                  [$first, $last],
                  ([first, last]) => clampPage(first) ?? (last != null ? null : MAX_PAGE_SIZE),
                  true,
                ),
              );
              target.setLast!(lambda($last, (last) => clampPage(last) ?? null, true));
            } else {
              target.setFirst!(lambda($first, (first) => clampPage(first) ?? MAX_PAGE_SIZE, true));
            }
            return $result;
          },
        } as typeof field;
      },
      // …and the arguments' own plans (PgFirstLastBeforeAfterArgsPlugin's) are left with nothing to do.
      GraphQLObjectType_fields_field_args(args, _build, context) {
        if (!isCollection(context.scope)) return args;
        const noop = () => {};
        for (const name of ['first', 'last'] as const) {
          const arg = args[name] as { applyPlan?: unknown } | undefined;
          if (arg) arg.applyPlan = noop;
        }
        return args;
      },
    },
  },
};

function isCollection(scope: unknown): boolean {
  const s = scope as { isPgFieldConnection?: boolean; isPgFieldSimpleCollection?: boolean };
  return s.isPgFieldConnection === true || s.isPgFieldSimpleCollection === true;
}

/** Validation rules added to grafserv's (graphql-js's specified rules). */
export function graphqlValidationLimits(opts: { maxDepth: number; introspection: boolean }): GraphileConfig.Plugin {
  const rules = [
    maxDepthRule({ n: opts.maxDepth, ignoreIntrospection: opts.introspection, exposeLimits: true }),
    maxAliasesRule({ n: MAX_ALIASES, exposeLimits: true }),
    ...(opts.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  return {
    name: 'RingsideGraphqlValidationLimitsPlugin',
    version: '1.0.0',
    grafserv: {
      middleware: {
        setPreset(next, event) {
          event.validationRules.push(...rules);
          return next();
        },
      },
    },
  };
}
