import { objectKeys } from '../../artifacts/src/manifest/keys.ts';
import type { ModelKind } from '../../artifacts/src/manifest/schema.ts';
import type { Config, Env } from './config.ts';
import { CurrentVersion } from './store/current.ts';
import { AsyncLru } from './store/lru.ts';
import { VersionObjects } from './store/objects.ts';
import { emptyReadStats, ResilientBucket, type ReadStats } from './store/resilient-bucket.ts';
import type { Cached } from './store/served-version.ts';

/**
 * Per-isolate state: one version follower per model kind, the object LRU
 * they share, and read counters. Lives as long as the isolate.
 */
export interface Runtime {
  /** The follower of `<model>/CURRENT`, created on first use: a model nobody asks for costs nothing. */
  current(model: ModelKind): CurrentVersion;
  cache: AsyncLru<Cached>;
  stats: ReadStats;
  /** Requests answered by a substitute because the version's objects could not be read (see `routes/degrade.ts`). */
  fallbacks: { previousVersion: number; popular: number };
  startedAt: number;
}

const runtimes = new Map<string, Runtime>();

/**
 * The isolate's runtime for this bucket layout and budget (created on first use).
 * Every model shares one byte budget: cache keys are full object keys, which
 * name the model (`<prefix>/<model>/versions/<v>/…`), so entries never collide.
 */
export function runtimeFor(env: Env, config: Config): Runtime {
  const id = [config.ARTIFACT_PREFIX, config.SHARD_CACHE_MB, config.CURRENT_TTL_SECONDS, config.USE_CACHE_API, config.READ_ATTEMPTS, config.READ_BACKOFF_MS, config.READ_TIMEOUT_MS].join('|');
  let rt = runtimes.get(id);
  if (!rt) {
    const stats = emptyReadStats();
    const bucket = new ResilientBucket(env.ARTIFACTS, { attempts: config.READ_ATTEMPTS, backoffMs: config.READ_BACKOFF_MS, timeoutMs: config.READ_TIMEOUT_MS }, stats);
    // A load still pending well after the longest a read may take (every attempt timing out) was orphaned.
    const worstReadMs = config.READ_ATTEMPTS * config.READ_TIMEOUT_MS + config.READ_BACKOFF_MS * 2 ** config.READ_ATTEMPTS;
    const staleMs = worstReadMs + 1_000;
    const cache = new AsyncLru<Cached>(config.SHARD_CACHE_MB * 2 ** 20, (c) => c.bytes, staleMs);
    const cacheApi = config.USE_CACHE_API === 'true' && typeof caches !== 'undefined' ? caches.default : undefined;
    const objects = new VersionObjects(bucket, cacheApi);
    const followers = new Map<ModelKind, CurrentVersion>();
    const current = (model: ModelKind): CurrentVersion => {
      let follower = followers.get(model);
      if (!follower) {
        follower = new CurrentVersion(bucket, objectKeys(config.ARTIFACT_PREFIX, model), objects, cache, config.CURRENT_TTL_SECONDS * 1000, staleMs);
        followers.set(model, follower);
      }
      return follower;
    };
    rt = { current, cache, stats, fallbacks: { previousVersion: 0, popular: 0 }, startedAt: Date.now() };
    runtimes.set(id, rt);
  }
  return rt;
}
