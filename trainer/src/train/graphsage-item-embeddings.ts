import { basename, join, resolve } from 'node:path';
import { embedGraph } from '../../../artifacts/src/forward/graphsage.ts';
import { alignEmbeddings } from '../eval/user-embeddings.ts';
import type { UserEmbeddingInput } from '../eval/user-evaluate.ts';
import type { Progress } from '../util/progress.ts';
import { prepareGraphData } from './graphsage-data.ts';
import { readRunFile } from './graphsage-run.ts';
import { arraysToWeights } from './graphsage-trainer.ts';
import { readTensorFile } from './tensor-file.ts';

/**
 * A GraphSAGE run's product embeddings as an extra method in the user
 * evaluation: embedded over the run's full co-purchase graph (as served),
 * lined up with the review graph's items by ASIN. The co-purchase graph holds
 * no review interaction, so the result runs under every user protocol
 * (`trainedOn: 'no-interactions'`); products outside the co-purchase graph get
 * zero rows, which the note counts.
 *
 * @param runDir a `graphrec train graphsage` run folder.
 * @param asins the review graph's items in order (`ReviewGraph.asins`).
 * @throws GraphrecError `eval/no-run` / `eval/bad-run` when `runDir` is not a GraphSAGE run.
 * @example
 * const sage = await graphSageUserEmbeddings('runs/gift-cards-sage', graph.asins);
 * await evaluateUserRecommenders({ graph, embeddings: [sage] });
 */
export async function graphSageUserEmbeddings(runDir: string, asins: readonly string[], progress?: Progress): Promise<UserEmbeddingInput> {
  const run = await readRunFile(runDir);
  const data = await prepareGraphData(run.dataset, { protocol: run.protocol, seed: run.config.seed, valFraction: run.config.valFraction, text: run.config.text, progress });
  const dims = { vocab: data.features.dim, input: run.config.inputDim, hidden: run.config.hiddenDim, output: run.config.outputDim };
  const weights = arraysToWeights(await readTensorFile(join(runDir, 'model', 'weights.bin')), dims);
  const { z } = embedGraph(weights, data.graph, data.features);
  const aligned = alignEmbeddings({ ids: data.ids, matrix: z, dim: dims.output }, asins);
  const missing = aligned.missing > 0 ? `; ${aligned.missing} of ${asins.length} reviewed products are not in its co-purchase graph (zero vectors, e.g. ${aligned.missingExamples.join(', ')})` : '';
  return {
    name: 'graphsage',
    matrix: aligned.matrix,
    dim: aligned.dim,
    trainedOn: 'no-interactions',
    note: `GraphSAGE run ${basename(resolve(runDir))}, co-purchase graph only${missing}`,
  };
}
