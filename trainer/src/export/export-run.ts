import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Manifest } from '../../../artifacts/src/manifest/schema.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { ingest } from '../data/ingest.ts';
import type { RunReportData } from '../eval/report-data.ts';
import { RANKER_FILE, readRunFile } from '../train/graphsage-run.ts';
import { RankerSchema } from '../../../artifacts/src/ranker/schema.ts';
import { parseArtifactJson } from '../../../artifacts/src/manifest/schema.ts';
import { runKind } from '../train/pinsage-run-file.ts';
import { arraysToWeights } from '../train/graphsage-trainer.ts';
import { readTensorFile } from '../train/tensor-file.ts';
import { silentProgress } from '../util/progress.ts';
import { exportArtifacts, type ExportOptions, type ExportSummary } from './export.ts';
import { fingerprintPath } from './files.ts';
import { exportPinSageRun } from './pinsage-export.ts';

/**
 * `graphrec export RUN --out DIR`: a trained run turned into the served
 * artifacts, whichever model it trained (`run.json` names it). GraphSAGE runs
 * are embedded again by the forward pass over the full co-purchase graph;
 * PinSage runs are served from the embeddings the run saved.
 * @throws GraphrecError `eval/no-run` when `runDir` is not a run, and the codes of either exporter.
 * @example await exportRun('runs/books', { outDir: 'exports/books' })
 */
export async function exportRun(runDir: string, options: ExportOptions): Promise<ExportSummary> {
  return (await runKind(runDir)) === 'pinsage' ? exportPinSageRun(runDir, options, await readEvaluation(runDir)) : exportGraphSageRun(runDir, options);
}

/** A GraphSAGE run's weights and vocabulary, its data set's full catalogue and co-purchase graph, and its held-out metrics. */
async function exportGraphSageRun(runDir: string, options: ExportOptions): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const run = await readRunFile(runDir);
  const vocabularyPath = join(runDir, 'model', 'vocabulary.json');
  if (!existsSync(vocabularyPath)) {
    throw new GraphrecError('export/no-vocabulary', `${runDir} has no title vocabulary (model/vocabulary.json): only runs on product data with titles can be served`);
  }
  const vocabulary = Vocabulary.parse(JSON.parse(await readFile(vocabularyPath, 'utf8')));
  const { coPurchase } = await ingest(run.dataset, { progress });
  if (!coPurchase) throw new GraphrecError('export/no-catalogue', `${run.dataset} has no product metadata, so there is no catalogue to serve`);
  const dims = { vocab: vocabulary.size, input: run.config.inputDim, hidden: run.config.hiddenDim, output: run.config.outputDim };
  const weights = arraysToWeights(await readTensorFile(join(runDir, 'model', 'weights.bin')), dims);
  progress.start('fingerprinting the data set');
  const fingerprint = await fingerprintPath(run.dataset);
  progress.finish(fingerprint.slice(0, 12));
  const source = { dataset: basename(run.dataset), fingerprint, items: coPurchase.products.asins.length, edges: coPurchase.graph.targets.length / 2 };
  // Runs evaluated before the served ranker existed are served by cosine alone, as they were.
  const rankerPath = join(runDir, 'model', RANKER_FILE);
  const ranker = options.ranker !== false && existsSync(rankerPath) ? parseArtifactJson(RankerSchema, await readFile(rankerPath, 'utf8'), rankerPath, 'export/bad-ranker') : undefined;
  return exportArtifacts({ products: coPurchase.products, graph: coPurchase.graph, weights, vocabulary, source, evaluation: await readEvaluation(runDir), ranker }, options);
}

/** The run's held-out metrics (`eval.json`), as protocol → method → metric: what the manifest's `evaluation` records. */
export async function readEvaluation(runDir: string): Promise<Manifest['evaluation']> {
  const path = join(runDir, 'eval.json');
  if (!existsSync(path)) return undefined;
  const report = JSON.parse(await readFile(path, 'utf8')) as Partial<RunReportData>;
  const out: NonNullable<Manifest['evaluation']> = {};
  // Either model's report: a protocol without methods (or a method without metrics) contributes nothing.
  for (const p of report.protocols ?? []) {
    const methods: Record<string, Record<string, number>> = {};
    for (const m of p.methods ?? []) if (m.metrics) methods[m.method] = Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => Number.isFinite(v)));
    out[p.protocol] = methods;
  }
  return out;
}
