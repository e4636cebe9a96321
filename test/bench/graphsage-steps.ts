/**
 * Child process of the GraphSAGE benchmark: times training steps on one
 * backend for the same seeded batches, so backends compare on equal work.
 * `node --import tsx test/bench/graphsage-steps.ts DATA BACKEND STEPS BATCH` → one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../trainer/src/models/backend.ts';
import { edgeLoss, GraphSageModel } from '../../trainer/src/models/graphsage.ts';
import { sampleBlocks } from '../../trainer/src/graph/neighbor-sampler.ts';
import { pairKey } from '../../trainer/src/graph/splits.ts';
import { prepareGraphData } from '../../trainer/src/train/graphsage-data.ts';
import { parseGraphSageConfig } from '../../trainer/src/train/graphsage-config.ts';
import { Rng } from '../../trainer/src/util/rng.ts';

const [data, backend, stepsArg, batchArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const batch = Number(batchArg);
await selectBackend(backend as BackendName);
const config = parseGraphSageConfig({});
const prepared = await prepareGraphData(data, { protocol: 'standard', seed: 1, valFraction: config.valFraction });
if (prepared.splits.kind !== 'standard') throw new Error('unreachable');
const { fit, fitEdges } = prepared.splits;
const model = new GraphSageModel({ vocab: prepared.features.dim, input: config.inputDim, hidden: config.hiddenDim, output: config.outputDim }, 1);
const optimizer = tf.train.adam(config.learningRate);
const rng = new Rng(7);
const times: number[] = [];
for (let s = 0; s <= steps; s++) {
  const rows = new Map<number, number>();
  const row = (v: number): number => rows.get(v) ?? (rows.set(v, rows.size), rows.size - 1);
  const pos = { src: new Int32Array(batch), dst: new Int32Array(batch) };
  const neg = { src: new Int32Array(batch * config.negatives), dst: new Int32Array(batch * config.negatives) };
  const excludedPairs = new Set<number>();
  for (let i = 0; i < batch; i++) {
    const e = rng.int(fitEdges.src.length);
    pos.src[i] = row(fitEdges.src[e]);
    pos.dst[i] = row(fitEdges.dst[e]);
    for (let j = 0; j < config.negatives; j++) {
      neg.src[i * config.negatives + j] = pos.src[i];
      neg.dst[i * config.negatives + j] = row(rng.int(fit.numNodes));
    }
    excludedPairs.add(pairKey(fitEdges.src[e], fitEdges.dst[e], fit.numNodes));
  }
  const started = performance.now();
  const blocks = sampleBlocks(fit, Int32Array.from(rows.keys()), rng, { fanouts: config.fanouts, excludedPairs });
  const loss = optimizer.minimize(() => edgeLoss(model.embedBlocks(prepared.features, blocks), pos, neg, config.scoreScale), true, model.variables);
  loss!.dataSync();
  loss!.dispose();
  if (s > 0) times.push((performance.now() - started) / 1000); // step 0 warms up
}
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const stepsPerEpoch = Math.ceil(fitEdges.src.length / batch);
console.log(JSON.stringify({ backend, steps, batch, meanStepSeconds: mean, stepsPerEpoch, epochSeconds: mean * stepsPerEpoch, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
