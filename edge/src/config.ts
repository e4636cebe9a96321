import { z } from 'zod';
import { GraphrecError } from '../../artifacts/src/errors.ts';
import { ModelKindSchema } from '../../artifacts/src/manifest/schema.ts';
import { DEFAULT_READ_POLICY } from './store/resilient-bucket.ts';

/** The Worker's bindings (R2) and vars (`infra/wrangler.jsonc`). */
export interface Env {
  ARTIFACTS: R2Bucket;
  ARTIFACT_PREFIX?: string;
  MODEL?: string;
  CURRENT_TTL_SECONDS?: string;
  SHARD_CACHE_MB?: string;
  USE_CACHE_API?: string;
  ALLOWED_ORIGINS?: string;
  MAX_K?: string;
  MAX_HISTORY?: string;
  MAX_BODY_BYTES?: string;
  READ_ATTEMPTS?: string;
  READ_BACKOFF_MS?: string;
  READ_TIMEOUT_MS?: string;
  DEMO_IMAGES?: string;
  RETRAIN_MODELS?: string;
  RETRAIN_MAX_AGE_HOURS?: string;
  RETRAIN_MIN_INTERVAL_HOURS?: string;
  RETRAIN_STALE_RUN_HOURS?: string;
  RETRAIN_WEBHOOK_URL?: string;
  RETRAIN_WEBHOOK_BODY?: string;
  RETRAIN_WEBHOOK_TIMEOUT_SECONDS?: string;
  /** Secret (`wrangler secret put RETRAIN_WEBHOOK_TOKEN`), sent as `Authorization: Bearer …`; never logged. */
  RETRAIN_WEBHOOK_TOKEN?: string;
}

const number = (fallback: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(fallback);

/** Vars with their defaults; a bad value fails every request loudly (500 JSON naming it) rather than serving with a guess. */
export const ConfigSchema = z.object({
  ARTIFACT_PREFIX: z.string().default(''),
  MODEL: z.enum(['graphsage', 'pinsage']).default('graphsage'),
  /** How long `CURRENT` is trusted before it is read again. */
  CURRENT_TTL_SECONDS: number(30, 0, 86_400),
  /** Byte budget of the isolate's object cache (a Worker isolate has 128 MB). */
  SHARD_CACHE_MB: number(48, 1, 100),
  USE_CACHE_API: z.enum(['true', 'false']).default('true'),
  /** Comma-separated storefront origins allowed by CORS; `*` allows any. */
  ALLOWED_ORIGINS: z.string().default(''),
  MAX_K: number(100, 1, 1000),
  MAX_HISTORY: number(50, 1, 1000),
  MAX_BODY_BYTES: number(16_384, 256, 1_048_576),
  /** Attempts per R2 read (errors, timeouts and corrupt bytes are retried; missing objects are not). */
  READ_ATTEMPTS: number(DEFAULT_READ_POLICY.attempts, 1, 10),
  /** Backoff before the first retry, doubled for each next one, jittered to between half and all of it. */
  READ_BACKOFF_MS: number(DEFAULT_READ_POLICY.backoffMs, 0, 10_000),
  /** A single R2 read (get and body) abandoned after this long. */
  READ_TIMEOUT_MS: number(DEFAULT_READ_POLICY.timeoutMs, 50, 60_000),
  /**
   * Pictures on the demo store: `generated` draws every product (`/demo/img/:id.svg`), because synthetic
   * catalogues point at an image host that does not exist; `original` uses the catalogue's own URLs, with
   * the generated picture (pages) or the widget's placeholder standing in for a broken one.
   */
  DEMO_IMAGES: z.enum(['generated', 'original']).default('generated'),
});
export type Config = z.infer<typeof ConfigSchema>;

/** `env` through `schema`, or a `config/invalid` error naming the first bad var. */
function parseVars<T>(schema: z.ZodType<T>, env: Env): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphrecError('config/invalid', `Worker var ${issue?.path.join('.')} is invalid: ${issue?.message}`);
  }
  return parsed.data;
}

export function readConfig(env: Env): Config {
  return parseVars(ConfigSchema, env);
}

/**
 * Vars of the retrain cron (`scheduled()`), apart from {@link ConfigSchema}: a bad
 * retrain var fails the cron tick (recorded and logged), never the API.
 */
export const RetrainConfigSchema = z.object({
  /** Comma-separated models the cron looks after; empty: the MODEL var's. */
  RETRAIN_MODELS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((m) => m.trim()).filter(Boolean))
    .pipe(z.array(ModelKindSchema)),
  /** A live version older than this (manifest `createdAt`) is retrained. */
  RETRAIN_MAX_AGE_HOURS: number(168, 0, 87_600),
  /** No new dispatch this soon after a dispatch that failed or went out, or a run that failed or was refused. */
  RETRAIN_MIN_INTERVAL_HOURS: number(12, 0, 8_760),
  /** A run still `running` after this long is taken for crashed, and no longer holds dispatches back. */
  RETRAIN_STALE_RUN_HOURS: number(12, 0, 8_760),
  /** Where a retrain is dispatched (POST, JSON), e.g. GitHub's workflow_dispatch endpoint; empty: none. */
  RETRAIN_WEBHOOK_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  /** Optional JSON body template; `{{model}}`-style placeholders in its strings are filled in (see `schedule/webhook-body.ts`). */
  RETRAIN_WEBHOOK_BODY: z.string().default(''),
  RETRAIN_WEBHOOK_TIMEOUT_SECONDS: number(10, 1, 60),
  RETRAIN_WEBHOOK_TOKEN: z.string().optional(),
});
export type RetrainConfig = z.infer<typeof RetrainConfigSchema>;

/**
 * Parses the retrain vars (the token is checked for presence only, never echoed).
 * @throws GraphrecError `config/invalid` naming the var.
 */
export function readRetrainConfig(env: Env): RetrainConfig {
  return parseVars(RetrainConfigSchema, env);
}
