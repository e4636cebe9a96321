import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import type { RunReportData } from '../eval/report-data.ts';
import type { ProtocolResult } from '../eval/types.ts';
import { readEvaluation } from '../export/export-run.ts';
import { defaultGateMetric } from '../retrain/config.ts';
import { metricAt } from '../retrain/gate.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { parseGraphSageConfig } from './graphsage-config.ts';
import { trainRun } from './graphsage-run.ts';
import { parsePinSageConfig } from './pinsage-config.ts';
import { embedPinSage } from './pinsage-embed.ts';
import { loadPinSageData } from './pinsage-run-data.ts';
import { readPinSageRunFile, readServedEmbeddings, runKind } from './pinsage-run-file.ts';
import { evaluatePinSageRun, pinSageSplits, trainPinSageRun } from './pinsage-run.ts';
import { readSplitWeights, readVocabulary } from './pinsage-training-file.ts';

const { dir } = fixtureFolder('pinsage-run');
const synth = join(dir, 'synth');
const config = (extra: Record<string, unknown> = {}) => parsePinSageConfig({ seed: 3, epochs: 4, dim: 32, ...extra });
const metric = (protocols: ProtocolResult[], protocol: string, method: string, key = 'hr@10'): number | undefined =>
  protocols.find((p) => p.protocol === protocol)?.methods.find((m) => m.method === method)?.metrics?.[key];
const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const GIFT_CARDS = join(DATASETS, 'amazon-gift-cards-2018');

describe('PinSage run', () => {
  let trained: Awaited<ReturnType<typeof trainPinSageRun>>;
  const runDir = join(dir, 'run');

  beforeAll(async () => {
    await generateSynthetic({ products: 500, users: 500, categories: 20, seed: 5, out: synth });
    trained = await trainPinSageRun({ dataPath: synth, runDir, config: config(), backend: 'wasm' });
  });

  it('trains one model per split, beats popularity and random under every protocol, and writes the report', async () => {
    const { report, reportPath, training } = trained;
    expect(training.images).toBe(true);
    expect(Object.keys(training.splits)).toEqual(['leave-last-out', 'temporal']);
    for (const s of Object.values(training.splits)) expect(s.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const p = report!.protocols;
    expect(p.map((x) => x.protocol)).toEqual(['user-leave-last-out', 'user-leave-last-out-validation', 'user-temporal', 'user-temporal-validation', 'user-temporal-warm']);
    for (const protocol of ['user-leave-last-out', 'user-temporal']) {
      const sage = metric(p, protocol, 'pinsage/mean-history')!;
      expect(sage).toBeGreaterThan(metric(p, protocol, 'popularity')!);
      expect(sage).toBeGreaterThan(3 * metric(p, protocol, 'random')!);
    }
    const html = await readFile(reportPath!, 'utf8');
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('leave-last-out split (the served model)');
    expect(html).toContain('reviewed, latest first');
    const saved = JSON.parse(await readFile(join(runDir, 'eval.json'), 'utf8')) as RunReportData;
    expect(saved.protocols).toEqual(p);
    // The retrain gate's default metric is one this evaluation writes (as the export records it).
    expect(metricAt(await readEvaluation(runDir), defaultGateMetric({ model: 'pinsage' }))).toBe(metric(p, 'user-leave-last-out', 'pinsage/mean-history'));
    expect(saved.userSamples!.length).toBeGreaterThan(0);
  });

  it('writes the run-folder contract: run.json and the served embeddings over every interaction', async () => {
    expect(await runKind(runDir)).toBe('pinsage');
    const run = await readPinSageRunFile(runDir);
    expect(run).toMatchObject({ model: 'pinsage', backend: 'wasm', transductive: false, unifiedGraph: false, config: { epochs: 4, dim: 32, scoreBias: parsePinSageConfig({}).scoreBias } });
    const written = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(written.config.scoreBias).toBe(run.config.scoreBias);
    // A run.json from before the option (no scoreBias) was trained with the bias on.
    delete written.config.scoreBias;
    const legacyDir = join(dir, 'legacy-run');
    await mkdir(legacyDir, { recursive: true });
    await writeFile(join(legacyDir, 'run.json'), JSON.stringify(written));
    expect((await readPinSageRunFile(legacyDir)).config.scoreBias).toBe(true);
    expect(run.history).toEqual(trained.training.splits['leave-last-out'].history);
    const served = await readServedEmbeddings(runDir);
    const data = await loadPinSageData(synth);
    expect(served.ids).toEqual(data.graph.asins);
    expect(served.dim).toBe(32);
    const all = Int32Array.from({ length: data.graph.item.length }, (_, e) => e);
    const weights = await readSplitWeights(runDir, 'leave-last-out');
    const again = embedPinSage({ graph: data.graph, train: all, features: data.features, images: data.images, weights, vocabulary: await readVocabulary(runDir), config: run.config });
    expect(again.embeddings).toEqual(served.embeddings);
    // Neighbourhoods over all interactions, not only the training part the evaluated embeddings use.
    const evaluated = embedPinSage({ graph: data.graph, train: pinSageSplits(data.graph)['leave-last-out'].train, features: data.features, images: data.images, weights, vocabulary: await readVocabulary(runDir), config: run.config });
    expect(evaluated.embeddings).not.toEqual(served.embeddings);
  });

  it('eval RUN rebuilds exactly the same evaluation from the saved weights', async () => {
    const again = await evaluatePinSageRun(runDir, { backend: 'wasm' });
    expect(again.report.protocols).toEqual(trained.report!.protocols);
  });

  it('refuses a run folder with checkpoints unless resumed, and a resumed run continues its epochs', async () => {
    const small = join(dir, 'small');
    const cfg = (epochs: number) => config({ epochs, dim: 8 });
    await trainPinSageRun({ dataPath: synth, runDir: small, config: cfg(1), backend: 'wasm', evaluate: false, images: false });
    await expect(trainPinSageRun({ dataPath: synth, runDir: small, config: cfg(2), backend: 'wasm', evaluate: false, images: false })).rejects.toSatisfy((e) => isGraphrecError(e, 'train/run-exists'));
    const resumed = await trainPinSageRun({ dataPath: synth, runDir: small, config: cfg(2), backend: 'wasm', evaluate: false, images: false, resume: true });
    expect(resumed.training.images).toBe(false);
    expect(resumed.training.splits.temporal.resumedFrom).toBe(1);
    expect(resumed.run.history.map((h) => h.epoch)).toEqual([1, 2]);
  });

  it('walks the unified graph, and ranks a GraphSAGE run beside PinSage under every protocol', async () => {
    const sage = join(dir, 'sage');
    await trainRun({ dataPath: synth, runDir: sage, protocol: 'standard', config: parseGraphSageConfig({ seed: 3, epochs: 1, inputDim: 16, hiddenDim: 16, outputDim: 16 }), backend: 'wasm', evaluate: false });
    const out = await trainPinSageRun({ dataPath: synth, runDir: join(dir, 'unified'), config: config({ epochs: 1, dim: 8 }), backend: 'wasm', unified: true, images: false, graphsageRun: sage });
    expect(out.run.unifiedGraph).toBe(true);
    expect(out.run.data.coPurchaseEdges).toBeGreaterThan(0);
    for (const p of out.report!.protocols) expect(p.methods.find((m) => m.method === 'graphsage/latest-item')?.metrics).not.toBeNull();
  });

  it('says what is missing: reviews, co-purchase edges for --unified, features without the ID embedding', async () => {
    const reviewsOnly = join(dir, 'reviews-only');
    await mkdir(reviewsOnly, { recursive: true });
    const synthFiles = JSON.parse(await readFile(join(synth, 'synth.json'), 'utf8')) as { files: { reviews: string } };
    await copyFile(join(synth, synthFiles.files.reviews), join(reviewsOnly, synthFiles.files.reviews));
    await expect(loadPinSageData(reviewsOnly, { unified: true })).rejects.toSatisfy((e) => isGraphrecError(e, 'train/no-copurchase'));
    await expect(trainPinSageRun({ dataPath: reviewsOnly, runDir: join(dir, 'bare'), config: config({ epochs: 1 }), backend: 'wasm' })).rejects.toSatisfy((e) => isGraphrecError(e, 'pinsage/no-features'));
    await expect(loadPinSageData(join(dir, 'nowhere'))).rejects.toThrow();
  });

  it.skipIf(!existsSync(GIFT_CARDS))(`trains on the real Gift Cards 2018 set${existsSync(GIFT_CARDS) ? '' : ` (skipped: data set folder ${GIFT_CARDS} is absent)`}`, async () => {
    const out = await trainPinSageRun({ dataPath: GIFT_CARDS, runDir: join(dir, 'gift-cards'), config: config({ epochs: 3 }), backend: 'wasm' });
    expect(out.run.data).toMatchObject({ users: 458, items: 148 });
    expect(metric(out.report!.protocols, 'user-leave-last-out', 'pinsage/mean-history')).toBeGreaterThan(metric(out.report!.protocols, 'user-leave-last-out', 'random')!);
  });
});
