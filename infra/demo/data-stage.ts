import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GraphrecError } from '../../artifacts/src/errors.ts';
import { detectSources } from '../../trainer/src/data/sources.ts';
import { fingerprintPath } from '../../trainer/src/export/files.ts';
import { generateSynthetic, type SynthSummary } from '../../trainer/src/synth/generate.ts';
import type { Progress } from '../../trainer/src/util/progress.ts';
import { settingsKey, shown, type DemoLayout } from './layout.ts';
import type { Stage } from './stage.ts';

/** The data set the demo trains on. */
export interface DemoData {
  path: string;
  /** sha256 over every file (`fingerprintPath`): what keys every later stage. */
  fingerprint: string;
}

/**
 * The generator settings besides the size. Image features are off: GraphSAGE
 * does not read them, and at 16 KB a product they would dominate the bytes
 * written and fingerprinted.
 */
const SYNTH = { seed: 1, imageFraction: 0 } as const;

const count = (n: number): string => n.toLocaleString('en-US');

/** The `data` stage: the synthetic catalogue (generated once per size) or the `--data` files (fingerprinted every run). */
export function dataStage(options: { data?: string; products: number }, layout: DemoLayout, progress: Progress): Stage<DemoData> {
  return options.data ? givenData(options.data, progress) : syntheticData(options.products, layout, progress);
}

function givenData(path: string, progress: Progress): Stage<DemoData> {
  return {
    name: 'data',
    intro: `reading ${shown(path)}`,
    // Files outside the state folder may change between runs, so they are always fingerprinted.
    check: async () => ({ reusable: false, why: 'given with --data' }),
    async build() {
      if (!existsSync(path)) throw new GraphrecError('demo/no-data', `--data ${path} does not exist`);
      const sources = await detectSources(path);
      const metadata = sources.filter((s) => s.kind === 'metadata').map((s) => basename(s.file));
      // Checked here, before a training run that could not be exported: a storefront needs titles.
      if (metadata.length === 0) {
        throw new GraphrecError('demo/no-metadata', `--data ${path} has no product metadata (meta_*.json[.gz] with titles and also_bought lists), which the storefront serves; found ${sources.map((s) => s.kind).join(', ')}`);
      }
      const fingerprint = await fingerprinted(path, progress);
      return { value: { path, fingerprint }, status: 'checked', detail: `${shown(path)}: ${metadata.join(', ')} and ${sources.length - metadata.length} other file(s), fingerprint ${fingerprint.slice(0, 12)}` };
    },
  };
}

function syntheticData(products: number, layout: DemoLayout, progress: Progress): Stage<DemoData> {
  const dir = join(layout.data, `synth-${products}-${settingsKey(SYNTH).slice(0, 8)}`);
  const describe = (s: Pick<SynthSummary, 'counts'>, fingerprint: string): string =>
    `${shown(dir)}: ${count(s.counts.products)} products, ${count(s.counts.alsoBought)} also_bought links, fingerprint ${fingerprint.slice(0, 12)}`;
  return {
    name: 'data',
    intro: `generating a synthetic catalogue of ${count(products)} products (seed ${SYNTH.seed}) in ${shown(dir)}`,
    async check() {
      // synth.json is written last, so its presence means the files are complete.
      const summaryPath = join(dir, 'synth.json');
      if (!existsSync(summaryPath)) return { reusable: false, why: existsSync(dir) ? 'the last generation did not finish' : 'not generated yet' };
      const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as SynthSummary;
      if (summary.options.products !== products || summary.options.seed !== SYNTH.seed) return { reusable: false, why: 'generated with other settings' };
      const fingerprint = await fingerprintPath(dir);
      return { reusable: true, value: { path: dir, fingerprint }, detail: describe(summary, fingerprint) };
    },
    async build() {
      await rm(dir, { recursive: true, force: true });
      let stage = '';
      const summary = await generateSynthetic({ products, out: dir, ...SYNTH }, (name, done, total) => {
        if (name !== stage) {
          if (stage) progress.finish();
          stage = name;
          progress.start(`synth: ${name}`, total);
        }
        progress.update(done);
      });
      if (stage) progress.finish();
      const fingerprint = await fingerprinted(dir, progress);
      return { value: { path: dir, fingerprint }, detail: describe(summary, fingerprint) };
    },
  };
}

async function fingerprinted(path: string, progress: Progress): Promise<string> {
  progress.start('fingerprinting the data');
  const fingerprint = await fingerprintPath(path);
  progress.finish(fingerprint.slice(0, 12));
  return fingerprint;
}
