import { objectKeys } from '../../artifacts/src/manifest/keys.ts';
import type { ModelKind } from '../../artifacts/src/manifest/schema.ts';
import type { Config, Env } from './config.ts';
import { CurrentVersion } from './store/current.ts';
import { AsyncLru } from './store/lru.ts';
import { VersionObjects, type ReadStats } from './store/objects.ts';
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
  startedAt: number;
}

const runtimes = new Map<string, Runtime>();

/**
 * The isolate's runtime for this bucket layout and budget (created on first use).
 * Every model shares one byte budget: cache keys are full object keys, which
 * name the model (`<prefix>/<model>/versions/<v>/…`), so entries never collide.
 */
export function runtimeFor(env: Env, config: Config): Runtime {
  const id = `${config.ARTIFACT_PREFIX}|${config.SHARD_CACHE_MB}|${config.CURRENT_TTL_SECONDS}|${config.USE_CACHE_API}`;
  let rt = runtimes.get(id);
  if (!rt) {
    const stats: ReadStats = { r2Reads: 0, cacheApiHits: 0, corrupt: 0 };
    const cache = new AsyncLru<Cached>(config.SHARD_CACHE_MB * 2 ** 20, (c) => c.bytes);
    const cacheApi = config.USE_CACHE_API === 'true' && typeof caches !== 'undefined' ? caches.default : undefined;
    const objects = new VersionObjects(env.ARTIFACTS, cacheApi, stats);
    const followers = new Map<ModelKind, CurrentVersion>();
    const current = (model: ModelKind): CurrentVersion => {
      let follower = followers.get(model);
      if (!follower) {
        follower = new CurrentVersion(env.ARTIFACTS, objectKeys(config.ARTIFACT_PREFIX, model), objects, cache, config.CURRENT_TTL_SECONDS * 1000);
        followers.set(model, follower);
      }
      return follower;
    };
    rt = { current, cache, stats, startedAt: Date.now() };
    runtimes.set(id, rt);
  }
  return rt;
}
