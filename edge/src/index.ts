/**
 * @module
 * The graphrec Worker: the recommendation API over artifacts in R2, and the
 * cron tick that dispatches retrains (`infra/wrangler.jsonc` `triggers.crons`).
 */
import { createApp } from './app.ts';
import type { Env } from './config.ts';
import { runRetrainTick } from './schedule/tick.ts';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // The tick never rejects; awaiting it keeps the invocation alive until every record is written.
  scheduled: async (controller, env) => {
    await runRetrainTick(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
