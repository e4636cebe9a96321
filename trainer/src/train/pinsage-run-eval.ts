import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InteractionSplit } from '../graph/interaction-splits.ts';
import type { RunReportData } from '../eval/report-data.ts';
import { writeReport } from '../eval/report.ts';
import { evaluateUserRecommenders, type UserEmbeddingInput, type UserSplitName } from '../eval/user-evaluate.ts';
import type { Progress } from '../util/progress.ts';
import type { PinSageRunData } from './pinsage-run-data.ts';
import type { PinSageRunFile } from './pinsage-run-file.ts';
import type { PinSageTrainingFile } from './pinsage-training-file.ts';

/** The user protocols' two splits, in the order the run trains them (the served model's first). */
export const PINSAGE_SPLITS: readonly UserSplitName[] = ['leave-last-out', 'temporal'];

/** What the evaluation of a PinSage run needs besides the data. */
export interface PinSageEvaluationInput {
  runDir: string;
  run: PinSageRunFile;
  training: PinSageTrainingFile;
  data: PinSageRunData;
  splits: Record<UserSplitName, InteractionSplit>;
  /** Per split, the model trained on that split's training part, embedded over that part only: `[numItems * dim]`. */
  embeddings: Record<UserSplitName, Float32Array>;
  /** Other embeddings to rank beside PinSage (e.g. a GraphSAGE run's). */
  extra?: UserEmbeddingInput[];
  progress: Progress;
  /** Seconds spent before evaluating (training, embedding), for the report's timings. */
  timings: Record<string, number>;
}

/**
 * Evaluates PinSage (each split's model only under the protocols of that
 * split), the baselines on the same splits and any extra embeddings; writes
 * `RUN/eval.json` (the report data, as GraphSAGE runs write it) and the report.
 *
 * @returns the report data and the report's path.
 */
export async function evaluatePinSageEmbeddings(input: PinSageEvaluationInput): Promise<{ report: RunReportData; reportPath: string }> {
  const { run, training, data, runDir } = input;
  const started = performance.now();
  const pinsage: UserEmbeddingInput[] = PINSAGE_SPLITS.map((split) => ({
    name: 'pinsage',
    matrix: input.embeddings[split],
    dim: run.config.dim,
    trainedOn: split,
  }));
  const evaluation = await evaluateUserRecommenders({
    graph: data.graph,
    titles: data.features.titles,
    embeddings: [...pinsage, ...(input.extra ?? [])],
    splits: input.splits,
    seed: run.config.seed,
    progress: input.progress,
  });
  const report: RunReportData = {
    title: `PinSage on ${data.name}`,
    model: 'pinsage',
    dataset: run.dataset,
    createdAt: run.createdAt,
    backend: run.backend,
    config: { ...run.config, images: training.images, unifiedGraph: run.unifiedGraph, transductive: run.transductive },
    data: { ...run.data, ...splitFacts(input.splits) },
    // PinSage has no validation loss and keeps its last epoch: the loss curves are in `trainingCurves`.
    history: [],
    bestEpoch: run.history.at(-1)?.epoch ?? 0,
    protocols: evaluation.protocols,
    samples: [],
    timings: { ...input.timings, evaluate: (performance.now() - started) / 1000 },
    trainingCurves: PINSAGE_SPLITS.map((split) => ({ label: curveLabel(split), history: training.splits[split].history })),
    userSamples: evaluation.samples,
    userTasks: evaluation.tasks,
  };
  await writeFile(join(runDir, 'eval.json'), JSON.stringify(report, null, 2));
  const reportPath = await writeReport(runDir, report);
  return { report, reportPath };
}

function curveLabel(split: UserSplitName): string {
  return split === 'leave-last-out' ? 'leave-last-out split (the served model)' : 'temporal 80/10/10 split';
}

function splitFacts(splits: Record<UserSplitName, InteractionSplit>): Record<string, number> {
  const l = splits['leave-last-out'];
  const t = splits.temporal;
  return { leaveLastOutTrain: l.train.length, leaveLastOutTest: l.test.length, temporalTrain: t.train.length, temporalTest: t.test.length };
}
