/**
 * Child process of the GraphSAGE benchmark: times training steps on one
 * backend for the same seeded batches, so backends compare on equal work.
 * `node --import tsx test/bench/graphsage-steps.ts DATA BACKEND STEPS BATCH` → one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../trainer/src/models/backend.ts';
import { GraphSageModel } from '../../trainer/src/models/graphsage.ts';
import { batchLoss, makeBatch } from '../../trainer/src/train/graphsage-trainer.ts';
import { peakRssMB } from '../../trainer/src/util/progress.ts';
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
const input = { graph: fit, trainEdges: fitEdges, valEdges: fitEdges, features: prepared.features, config };
const rng = new Rng(7);
const order = rng.shuffle(Int32Array.from({ length: fitEdges.src.length }, (_, i) => i));
const times: number[] = [];
for (let s = 0; s <= steps; s++) {
  // The trainer's own batch and step, so the timing is of real training work.
  const batchData = makeBatch(fitEdges, order, s * batch, (s + 1) * batch, fit.numNodes, config.negatives, rng);
  const started = performance.now();
  const loss = optimizer.minimize(() => batchLoss(model, input, batchData, rng, true), true, model.variables);
  loss!.dataSync();
  loss!.dispose();
  if (s > 0) times.push((performance.now() - started) / 1000); // step 0 warms up
}
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const stepsPerEpoch = Math.ceil(fitEdges.src.length / batch);
console.log(JSON.stringify({ backend, steps, batch, meanStepSeconds: mean, stepsPerEpoch, epochSeconds: mean * stepsPerEpoch, peakRssMB: peakRssMB() }));
