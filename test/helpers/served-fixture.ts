import { join } from 'node:path';
import type { Manifest } from '../../artifacts/src/manifest/schema.ts';
import { generateSynthetic } from '../../trainer/src/synth/generate.ts';
import { exportAndPublish, trainFixture, type TrainedFixture } from './edge-fixture.ts';

/** A small trained GraphSAGE run published to a local R2 bucket, for the reliability suites. */
export interface ServedFixture {
  fx: TrainedFixture;
  manifest: Manifest;
  persist: string;
  /** Known product ids (the data set's). */
  ids: readonly string[];
  /** Words of real titles, for embed requests that find something to embed. */
  words: string[];
}

/**
 * Generates `products` synthetic products (seed `seed`), trains one short
 * run, and publishes its export to `<dir>/state` as version `now`.
 */
export async function servedFixture(dir: string, options: { products?: number; seed?: number; now?: Date } = {}): Promise<ServedFixture> {
  const products = options.products ?? 800;
  await generateSynthetic({ products, users: Math.round(products / 3), seed: options.seed ?? 11, out: join(dir, 'data') });
  const fx = await trainFixture(join(dir, 'data'), join(dir, 'run'), { epochs: 1 });
  const persist = join(dir, 'state');
  const manifest = await exportAndPublish(fx.runDir, join(dir, 'export'), persist, '', { shardItems: 100, now: options.now ?? new Date('2026-11-01T00:00:00Z') });
  const words = [...new Set(fx.data.products.titles.slice(0, 50).flatMap((t) => t.split(/\s+/)).filter((w) => w.length > 2))];
  return { fx, manifest, persist, ids: fx.data.products.asins, words };
}
