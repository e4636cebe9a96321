import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config, Env } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import type { ModelKind } from '../../../artifacts/src/manifest/schema.ts';
import type { ServedVersion } from '../store/served-version.ts';
import type { Degraded } from './degrade.ts';

/** Hono's environment for every route: bindings plus what the middleware resolved. */
export interface AppEnv {
  Bindings: Env;
  /** `degraded`: set when a substitute answered (`routes/degrade.ts`), so the answer is not cached. */
  Variables: { config: Config; runtime: Runtime; served: ServedVersion; model: ModelKind; degraded?: Degraded };
}

export type App = OpenAPIHono<AppEnv>;
