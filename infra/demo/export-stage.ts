import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { POPULAR_KEY } from '../../artifacts/src/manifest/keys.ts';
import { MANIFEST_KEY, MANIFEST_VERSION, parseArtifactJson, parseManifest, PopularListSchema, type Manifest } from '../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../artifacts/src/manifest/sha256.ts';
import type { Progress } from '../../trainer/src/util/progress.ts';
import { settingsKey, shown, type DemoLayout } from './layout.ts';
import type { Stage } from './stage.ts';
import type { DemoRun } from './train-stage.ts';

/** A complete export folder. */
export interface DemoExport {
  dir: string;
  manifest: Manifest;
  /** sha256 of `manifest.json`: what `CURRENT` must name for the bucket to be current. */
  manifestSha256: string;
  /** The most popular product: the sample of the printed `/similar` URL. */
  sampleId: string;
}

/**
 * Smaller than the exporter's default 4,096 so a demo-sized catalogue still
 * gets several IVF shards, and the demo exercises the probe path it would in production.
 */
const EXPORT = { shardItems: 2048 } as const;

/** The `export` stage: the served artifacts of a run. A folder with a manifest is complete (the exporter writes it last). */
export function exportStage(run: DemoRun, layout: DemoLayout, progress: Progress): Stage<DemoExport> {
  // Named after the run, so exports of its earlier trainings can be found and removed.
  const runKey = basename(run.dir);
  const dir = join(layout.exports, `${runKey}-${settingsKey(run.createdAt, EXPORT).slice(0, 8)}`);
  return {
    name: 'export',
    intro: `exporting the served artifacts (IVF shards of about ${EXPORT.shardItems.toLocaleString('en-US')} items) to ${shown(dir)}`,
    async check() {
      if (!existsSync(join(dir, MANIFEST_KEY))) return { reusable: false, why: existsSync(dir) ? 'the last export did not finish' : 'not exported yet' };
      const { formatVersion } = JSON.parse(await readFile(join(dir, MANIFEST_KEY), 'utf8')) as { formatVersion?: unknown };
      if (formatVersion !== MANIFEST_VERSION) return { reusable: false, why: `exported in manifest format ${String(formatVersion)}; this build serves format ${MANIFEST_VERSION}` };
      const value = await readExport(dir);
      return { reusable: true, value, detail: `${shown(dir)}: ${describe(value.manifest)}` };
    },
    async build() {
      // The exporter refuses a non-empty folder; whatever is here is an unfinished export,
      // and the run's other exports are of weights it no longer has.
      const stale = existsSync(layout.exports) ? (await readdir(layout.exports)).filter((n) => n.startsWith(`${runKey}-`)) : [];
      for (const name of stale) await rm(join(layout.exports, name), { recursive: true, force: true });
      // Imported on use: it loads tfjs and usearch, which a reused export never needs.
      const { exportRun } = await import('../../trainer/src/export/export-run.ts');
      const summary = await exportRun(run.dir, { outDir: dir, shardItems: EXPORT.shardItems, progress });
      const value = await readExport(dir);
      const mib = (summary.bytes.total / 2 ** 20).toFixed(1);
      return { value, detail: `${describe(value.manifest)}, ${mib} MiB; search recall@10 ${summary.recall.recallAt10.toFixed(4)} at nprobe ${summary.recall.nprobe}` };
    },
  };
}

function describe(m: Manifest): string {
  return `version ${m.version}, ${m.items.toLocaleString('en-US')} items in ${m.index.shards.length} shard(s)`;
}

async function readExport(dir: string): Promise<DemoExport> {
  const bytes = await readFile(join(dir, MANIFEST_KEY));
  const manifest = parseManifest(bytes.toString('utf8'), join(dir, MANIFEST_KEY));
  const popular = parseArtifactJson(PopularListSchema, await readFile(join(dir, POPULAR_KEY), 'utf8'), join(dir, POPULAR_KEY));
  return { dir, manifest, manifestSha256: await sha256Hex(bytes), sampleId: popular.items[0]?.id ?? '' };
}
