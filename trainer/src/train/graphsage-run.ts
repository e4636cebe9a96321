import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { titleOnlyTextFields } from '../../../artifacts/src/text/product-text.ts';
import { evaluateGraphSage } from '../eval/evaluate-graphsage.ts';
import type { RunReportData } from '../eval/report-data.ts';
import { writeReport } from '../eval/report.ts';
import { selectBackend, type BackendName } from '../models/backend.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { GraphSageConfigSchema, type GraphSageConfig } from './graphsage-config.ts';
import { prepareGraphData, type GraphSageProtocol, type PreparedData } from './graphsage-data.ts';
import { arraysToWeights, trainGraphSage, weightsToArrays, type EpochRecord } from './graphsage-trainer.ts';
import { readTensorFile, writeTensorFile } from './tensor-file.ts';

/** `RUN/run.json`: what a run was trained on and with, enough for `graphrec eval RUN` to rebuild it. */
export const RunFileSchema = z.object({
  model: z.literal('graphsage'),
  dataset: z.string(),
  protocol: z.enum(['standard', 'gae']),
  config: GraphSageConfigSchema,
  backend: z.string(),
  createdAt: z.string(),
  data: z.record(z.string(), z.number()),
  history: z.array(z.object({ epoch: z.number(), trainLoss: z.number(), valLoss: z.number(), seconds: z.number() })),
  bestEpoch: z.number(),
  stoppedEarly: z.boolean(),
  trainSeconds: z.number(),
  /** Problems found with the data that training went ahead with (e.g. a degenerate text vocabulary). */
  warnings: z.array(z.string()).default([]),
});
export type RunFile = z.infer<typeof RunFileSchema>;

export interface TrainRunOptions {
  dataPath: string;
  runDir: string;
  protocol: GraphSageProtocol;
  config: GraphSageConfig;
  backend?: BackendName;
  resume?: boolean;
  evaluate?: boolean;
  progress?: Progress;
  log?: (line: string) => void;
}

function dataFacts(d: PreparedData): Record<string, number> {
  const s = d.splits;
  const facts: Record<string, number> = { nodes: d.graph.numNodes, edges: d.graph.targets.length / 2, featureDim: d.features.dim };
  if (s.kind === 'gae') return { ...facts, trainEdges: s.train.targets.length / 2, valEdges: s.valPos.src.length, testEdges: s.testPos.src.length };
  return { ...facts, heldOutProducts: s.inductive.heldOut.length, trainEdges: s.train.targets.length / 2, fitEdges: s.fitEdges.src.length, valEdges: s.val.src.length, testEdges: s.test.src.length };
}

/** Trains GraphSAGE into `runDir` (resuming its checkpoint when asked), then evaluates and writes the report. */
export async function trainRun(options: TrainRunOptions): Promise<{ run: RunFile; report?: RunReportData; reportPath?: string }> {
  const progress = options.progress ?? silentProgress;
  const log = options.log ?? (() => {});
  const { runDir, config } = options;
  const checkpointDir = join(runDir, 'checkpoint');
  if (existsSync(join(checkpointDir, 'state.json')) && !options.resume) {
    throw new GraphrecError('train/run-exists', `${runDir} already holds a training checkpoint; pass --resume to continue it or choose another --out`);
  }
  const backend = await selectBackend(options.backend);
  log(`backend: ${backend.backend} — ${backend.detail}`);
  const data = await prepareGraphData(options.dataPath, { protocol: options.protocol, seed: config.seed, valFraction: config.valFraction, text: config.text, progress });
  const facts = dataFacts(data);
  log(`data: ${Object.entries(facts).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
  for (const w of data.warnings) log(`warning: ${w.message}`);
  await mkdir(join(runDir, 'model'), { recursive: true });
  const s = data.splits;
  const started = performance.now();
  const out = await trainGraphSage({
    graph: s.kind === 'gae' ? s.train : s.fit,
    trainEdges: s.fitEdges,
    valEdges: s.kind === 'gae' ? s.valPos : s.val,
    features: data.features,
    config,
    progress,
    checkpointDir,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  if (out.resumedFrom > 0) log(`resumed from epoch ${out.resumedFrom}`);
  log(`trained ${out.history.length} epochs in ${trainSeconds.toFixed(1)}s; best epoch ${out.bestEpoch}${out.stoppedEarly ? ' (early stop)' : ''}`);
  await writeTensorFile(join(runDir, 'model', 'weights.bin'), weightsToArrays(out.weights));
  if (data.vocabulary) await writeFile(join(runDir, 'model', 'vocabulary.json'), JSON.stringify(data.vocabulary.toJSON()));
  const run: RunFile = {
    model: 'graphsage',
    dataset: resolve(options.dataPath),
    protocol: options.protocol,
    config,
    backend: backend.backend,
    createdAt: new Date().toISOString(),
    data: facts,
    history: out.history,
    bestEpoch: out.bestEpoch,
    stoppedEarly: out.stoppedEarly,
    trainSeconds,
    warnings: data.warnings.map((w) => w.message),
  };
  await writeFile(join(runDir, 'run.json'), JSON.stringify(run, null, 2));
  if (options.evaluate === false) return { run };
  const evaluated = await evaluateLoaded(runDir, run, data, progress);
  return { run, ...evaluated };
}

/** The served ranker of a run, under `RUN/model/`. */
export const RANKER_FILE = 'ranker.json';

/** Reads and checks `RUN/run.json`. */
export async function readRunFile(runDir: string): Promise<RunFile> {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) throw new GraphrecError('eval/no-run', `${runDir} is not a run folder (no run.json); train one with 'graphrec train graphsage DATA --out ${runDir}'`);
  const json: unknown = JSON.parse(await readFile(path, 'utf8'));
  // Runs recorded before the text settings existed were fitted on titles alone.
  const config = (json as { config?: unknown } | null)?.config;
  if (config !== null && typeof config === 'object' && !('text' in config)) (config as Record<string, unknown>).text = titleOnlyTextFields();
  const parsed = RunFileSchema.safeParse(json);
  if (!parsed.success) throw new GraphrecError('eval/bad-run', `${path} is invalid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** `graphrec eval RUN`: rebuilds the run's splits from its seed, loads its weights, evaluates every method, writes the report. */
export async function evaluateRun(runDir: string, options: { backend?: BackendName; progress?: Progress } = {}): Promise<{ run: RunFile; report: RunReportData; reportPath: string }> {
  const run = await readRunFile(runDir);
  await selectBackend(options.backend);
  const config = Object.freeze(GraphSageConfigSchema.parse(run.config));
  const data = await prepareGraphData(run.dataset, { protocol: run.protocol, seed: config.seed, valFraction: config.valFraction, text: config.text, progress: options.progress });
  return { run, ...(await evaluateLoaded(runDir, run, data, options.progress ?? silentProgress)) };
}

async function evaluateLoaded(runDir: string, run: RunFile, data: PreparedData, progress: Progress): Promise<{ report: RunReportData; reportPath: string }> {
  const dims = { vocab: data.features.dim, input: run.config.inputDim, hidden: run.config.hiddenDim, output: run.config.outputDim };
  const weights = arraysToWeights(await readTensorFile(join(runDir, 'model', 'weights.bin')), dims);
  const started = performance.now();
  const evaluation = await evaluateGraphSage(data, weights, { seed: run.config.seed, progress });
  const report: RunReportData = {
    title: `GraphSAGE on ${data.name}`,
    model: 'graphsage',
    dataset: run.dataset,
    createdAt: run.createdAt,
    backend: run.backend,
    config: { ...run.config, protocol: run.protocol },
    data: { ...run.data, popularityPriorBeta: evaluation.popularityWeight.beta },
    history: run.history as EpochRecord[],
    bestEpoch: run.bestEpoch,
    protocols: evaluation.protocols,
    samples: evaluation.samples,
    timings: { train: run.trainSeconds, evaluate: (performance.now() - started) / 1000 },
    ...(evaluation.rankers ? { rankers: evaluation.rankers } : {}),
  };
  // What export serves with: the ranker fitted on this run's validation edges.
  if (evaluation.rankers) await writeFile(join(runDir, 'model', RANKER_FILE), JSON.stringify(evaluation.rankers.served, null, 1));
  await writeFile(join(runDir, 'eval.json'), JSON.stringify(report, null, 2));
  const reportPath = await writeReport(runDir, report);
  return { report, reportPath };
}
