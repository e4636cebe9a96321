import { GraphrecError } from '../../artifacts/src/errors.ts';
import { DEFAULT_PORT } from '../scripts/demo-flags.mjs';
import type { DemoExport } from './export-stage.ts';
import { shown, type DemoLayout } from './layout.ts';
import { choosePort } from './port.ts';
import type { Shutdown } from './shutdown.ts';
import type { Stage } from './stage.ts';
import { startWrangler, waitForVersion, type WranglerDev } from './wrangler.ts';

/** The running demo server and the URLs worth printing. */
export interface DemoServer {
  dev: WranglerDev;
  urls: { demo: string; health: string; similar: string; version: string; openapi: string };
  /** `/demo`'s status: the storefront pages may not exist in this build yet. */
  demoStatus: number;
}

/** Asks the server for the sample product's neighbours: proof the whole path (R2, shards, lists) works, not just liveness. */
async function sampleSimilar(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { items?: { title?: string }[]; error?: { message?: string } };
  if (!response.ok) throw new GraphrecError('demo/similar-failed', `${url} answered ${response.status}: ${body.error?.message ?? 'no message'}`);
  return `${body.items?.length ?? 0} similar products, first '${body.items?.[0]?.title ?? '?'}'`;
}

/**
 * The `serve` stage: `wrangler dev` on 127.0.0.1 (the requested port, else
 * 8787, else a free one), ready once `/v1/health` serves the published version
 * and a sample `/similar` query answers. Never reused: a server is started each run.
 */
export function serveStage(options: { port?: number }, layout: DemoLayout, exported: DemoExport, shutdown: Shutdown, say: (line: string) => void): Stage<DemoServer> {
  const { version } = exported.manifest;
  return {
    name: 'serve',
    intro: 'starting wrangler dev on 127.0.0.1',
    check: async () => ({ reusable: false, why: 'a server starts on every run' }),
    async build() {
      const { port, note } = await choosePort(options.port, DEFAULT_PORT);
      say(`port ${port}${note ? ` (${note})` : ''}, local R2 bucket ${shown(layout.persistTo)}`);
      const dev = await startWrangler({ port, persistTo: layout.persistTo });
      shutdown.add(() => dev.stop());
      await waitForVersion(dev, version, say);
      const id = encodeURIComponent(exported.sampleId);
      const urls = {
        demo: `${dev.url}/demo`,
        health: `${dev.url}/v1/health`,
        similar: `${dev.url}/v1/items/${id}/similar?k=8`,
        version: `${dev.url}/v1/version`,
        openapi: `${dev.url}/openapi.json`,
      };
      const sample = await sampleSimilar(urls.similar);
      const demoStatus = await fetch(urls.demo, { signal: AbortSignal.timeout(30_000) }).then(async (r) => (await r.arrayBuffer(), r.status), () => 0);
      return { value: { dev, urls, demoStatus }, status: 'started', detail: `${dev.url} serves ${version}; ${exported.sampleId}: ${sample}` };
    },
  };
}
