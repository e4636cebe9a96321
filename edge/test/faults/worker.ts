/**
 * @module
 * A test-only entry of the Worker: the real app with `env.ARTIFACTS` behind
 * {@link faultyBucket}, and `/__faults` to set the rules and read their
 * counters. Started by `startWorker(…, { main: 'edge/test/faults/worker.ts' })`;
 * `infra/wrangler.jsonc` names `edge/src/index.ts`, so a deployed Worker has
 * neither the wrapper nor the route.
 *
 * `PUT /__faults` `{ "rules": FaultRule[] }` replaces the rules (counters reset);
 * `GET /__faults` answers `{ rules: [{ …rule, seen, injected }] }`.
 */
import { createApp } from '../../src/app.ts';
import type { Env } from '../../src/config.ts';
import { faultState, faultyBucket, type FaultRule, type FaultState } from './faulty-bucket.ts';

const app = createApp();
let rules: FaultState[] = [];
let wrapped: { bucket: R2Bucket; faulty: R2Bucket } | undefined;

async function control(request: Request): Promise<Response> {
  if (request.method === 'PUT') {
    const body = (await request.json()) as { rules: FaultRule[] };
    rules = body.rules.map(faultState);
  }
  return Response.json({ rules: rules.map(({ next: _, ...rule }) => rule) });
}

export default {
  fetch: (request, env, ctx) => {
    if (new URL(request.url).pathname === '/__faults') return control(request);
    // One wrapper per binding: the isolate's runtime keeps the bucket it first saw.
    if (wrapped?.bucket !== env.ARTIFACTS) wrapped = { bucket: env.ARTIFACTS, faulty: faultyBucket(env.ARTIFACTS, () => rules) };
    return app.fetch(request, { ...env, ARTIFACTS: wrapped.faulty }, ctx);
  },
} satisfies ExportedHandler<Env>;
