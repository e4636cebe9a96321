import { embedGraph, type GraphSageWeights } from '../../../artifacts/src/forward/graphsage.ts';
import { encodeForwardWeights, encodeNeighborState } from '../../../artifacts/src/forward/weights-codec.ts';
import { FORWARD_WEIGHTS_KEY, VOCABULARY_KEY } from '../../../artifacts/src/manifest/keys.ts';
import type { Manifest } from '../../../artifacts/src/manifest/schema.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { RankerSettings } from '../../../artifacts/src/ranker/schema.ts';
import type { ProductTable } from '../graph/copurchase.ts';
import type { Csr } from '../graph/csr.ts';
import { catalogueFeatures } from '../text/product-features.ts';
import { silentProgress } from '../util/progress.ts';
import { displayOf } from './display.ts';
import { writeObject } from './files.ts';
import { ExportStages, writeVersion, type ExportOptions, type ExportSummary } from './write-version.ts';

export { USEARCH_VERSION, type ExportOptions, type ExportSummary } from './write-version.ts';

/** What a GraphSAGE export is made from: a trained model and the full catalogue it serves. */
export interface ExportInputs {
  products: ProductTable;
  /** The full co-purchase graph: serving uses every known edge. */
  graph: Csr;
  weights: GraphSageWeights;
  vocabulary: Vocabulary;
  source: Manifest['source'];
  evaluation?: Manifest['evaluation'];
  /** The served ranker fitted on the run's validation edges; absent, `similar` is by cosine and no graph lists are written. */
  ranker?: RankerSettings;
}

/**
 * Turns a trained GraphSAGE model and its catalogue into the served
 * artifacts: embeddings from the one forward pass in `artifacts/` over the
 * full co-purchase graph, each product's neighbour state (what a new product
 * bought with it needs), the forward-pass weights and vocabulary, and
 * everything {@link writeVersion} builds from the embeddings.
 * @throws GraphrecError `export/out-not-empty`, `export/empty`, `export/shape`.
 */
export async function exportArtifacts(inputs: ExportInputs, options: ExportOptions): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const stages = await ExportStages.open(options.outDir);
  const { products, graph, weights, vocabulary } = inputs;
  const n = products.asins.length;
  const dim = weights.dims.output;
  if (n === 0) throw new GraphrecError('export/empty', 'the catalogue has no products to export');
  if (graph.numNodes !== n) throw new GraphrecError('export/shape', `graph has ${graph.numNodes} nodes but the catalogue ${n} products`);

  progress.start('embedding products (forward pass)', undefined, 'items');
  const { z, p, h1 } = await stages.timed('embed', () => embedGraph(weights, graph, catalogueFeatures(products, vocabulary)));
  progress.finish(`${n.toLocaleString('en-US')} products embedded`);

  const forward = {
    kind: 'graphsage-mean-2' as const,
    dims: weights.dims,
    weights: await writeObject(stages.outDir, FORWARD_WEIGHTS_KEY, encodeForwardWeights(weights)),
    vocabulary: await writeObject(stages.outDir, VOCABULARY_KEY, JSON.stringify(vocabulary.toJSON())),
  };
  const popularity = new Float64Array(n);
  for (let v = 0; v < n; v++) popularity[v] = graph.offsets[v + 1] - graph.offsets[v];
  const hidden = weights.dims.hidden;
  return writeVersion(stages, {
    z,
    dim,
    count: n,
    idOf: (key) => products.asins[key],
    display: (key) => displayOf(products, key, popularity[key]),
    popularity,
    model: { kind: 'graphsage', dimensions: dim, transductive: false },
    source: inputs.source,
    evaluation: inputs.evaluation,
    forward,
    state: (key) => encodeNeighborState(p.subarray(key * hidden, (key + 1) * hidden), h1.subarray(key * hidden, (key + 1) * hidden)),
    modelHash: forward.weights.sha256,
    ...(inputs.ranker ? { ranking: { settings: inputs.ranker, graph: { neighbours: (v: number) => graph.targets.subarray(graph.offsets[v], graph.offsets[v + 1]), degree: (v: number) => graph.offsets[v + 1] - graph.offsets[v] } } } : {}),
  }, options);
}
