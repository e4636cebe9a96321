/**
 * @module
 * The graphrec Worker: the recommendation API over artifacts in R2.
 */
import { createApp } from './app.ts';
import type { Env } from './config.ts';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
