import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config, Env } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import type { ServedVersion } from '../store/served-version.ts';

/** Hono's environment for every route: bindings plus what the middleware resolved. */
export interface AppEnv {
  Bindings: Env;
  Variables: { config: Config; runtime: Runtime; served: ServedVersion };
}

export type App = OpenAPIHono<AppEnv>;
