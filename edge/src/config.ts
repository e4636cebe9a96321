import { z } from 'zod';
import { GraphrecError } from '../../artifacts/src/errors.ts';

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
  DEMO_IMAGES?: string;
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
  /**
   * Pictures on the demo store: `generated` draws every product (`/demo/img/:id.svg`), because synthetic
   * catalogues point at an image host that does not exist; `original` uses the catalogue's own URLs, with
   * the generated picture (pages) or the widget's placeholder standing in for a broken one.
   */
  DEMO_IMAGES: z.enum(['generated', 'original']).default('generated'),
});
export type Config = z.infer<typeof ConfigSchema>;

export function readConfig(env: Env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphrecError('config/invalid', `Worker var ${issue?.path.join('.')} is invalid: ${issue?.message}`);
  }
  return parsed.data;
}
