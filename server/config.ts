// Configuration is read once, here, and validated: a bad setting stops the process at start-up with
// its name, never halfway through a request.
import { z } from 'zod';
import { describeIssues } from './http/field-issues.ts';

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string())
  .optional()
  .transform((s) => (s ? s : undefined));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optionalText,
  /** Password of the runtime login roles (ringside_service, ringside_authenticator). */
  DATABASE_APP_PASSWORD: optionalText,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalText,
  JWT_SECRET: optionalText,
  RINGOVER_WEBHOOK_SECRET: optionalText,
  // Backfill from Ringover's API v2 (server/ringover-api/): where it is (public-api-us for US
  // accounts), and how often / how far back the worker reconciles every tenant with a key (0: never).
  RINGOVER_API_URL: z.url({ protocol: /^https?$/ }).default('https://public-api.ringover.com/v2'),
  RINGOVER_RECONCILE_EVERY_MIN: z.coerce.number().int().min(0).max(1440).default(10),
  RINGOVER_RECONCILE_LOOKBACK_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(15 * 24 * 60)
    .default(180),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText,
  TRANSCRIBE_MODEL: z.string().default('whisper-1'),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalText,
  SUMMARY_MODEL: z.string().default('claude-sonnet-4-5'),
  SENTIMENT_PROVIDER: z.enum(['huggingface', 'llm']).default('huggingface'),
  HF_API_TOKEN: optionalText,
  HF_BASE_URL: z.string().default('https://router.huggingface.co/hf-inference/models'),
  SENTIMENT_MODEL: z.string().default('cardiffnlp/twitter-xlm-roberta-base-sentiment'),
  RECORDING_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  SSE_KEEPALIVE_MS: z.coerce.number().int().min(100).default(30_000),
  WEBHOOK_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset, 1/true or 0/false: whether demo data may be created is decided by server/demo/policy.ts. */
  DEMO: z
    .enum(['0', '1', 'true', 'false', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true')),
  DATA_DIR: z.string().default('.data'),
  /** 0: `npm start` serves no staff UI (the fault tests run it without a UI build). */
  RINGSIDE_UI: z
    .string()
    .optional()
    .transform((v) => v !== '0'),
  /** 0: `npm start` runs no job worker; jobs are left to `npm run worker` processes (compose's worker service). */
  RINGSIDE_WORKER: z
    .string()
    .optional()
    .transform((v) => v !== '0'),
  /** How long a staff session's check is cached per process (ms); a logout here is seen at once, elsewhere within this. */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),

  // ── Security limits and exposure (issue 9; SECURITY.md) ──
  /** Bearer token for GET /metrics; unset: /metrics answers loopback clients only. */
  METRICS_TOKEN: optionalText,
  /** 1: GraphQL introspection (and Ruru) outside development too. */
  GRAPHQL_INTROSPECTION: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Deepest GraphQL selection accepted (fields within fields). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  /** Time the recording host has to answer, and to send each next chunk, ms. */
  RECORDING_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  LOGIN_FAILURE_WINDOW_SEC: z.coerce.number().int().min(1).default(900),
  /** Webhook deliveries failing before verification (unknown tenant, bad signature) per address per minute. */
  WEBHOOK_FAILURES_PER_ADDRESS_PER_MIN: z.coerce.number().int().min(1).default(60),
});

/** Staff tokens are HS256: a key shorter than the hash is guessable offline from one token. */
const JWT_SECRET_MIN_BYTES = 32;

export type Config = z.infer<typeof schema>;

/**
 * The one way settings are read from the environment (this file's and the worker's own,
 * server/worker/settings.ts): parsed with zod, and a bad value stops the start with every
 * setting at fault named.
 */
export function parseSettings<S extends z.ZodType>(settings: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = settings.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseSettings(schema, env);
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new Error('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  if (config.NODE_ENV === 'production' && Buffer.byteLength(config.JWT_SECRET!, 'utf8') < JWT_SECRET_MIN_BYTES) {
    throw new Error(
      `Invalid configuration: JWT_SECRET must be at least ${JWT_SECRET_MIN_BYTES} bytes when NODE_ENV=production (e.g. openssl rand -hex 32)`,
    );
  }
  return config;
}
