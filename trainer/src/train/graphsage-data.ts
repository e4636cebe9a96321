import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { defaultTextFields, type ProductTextFields, type TextFields } from '../../../artifacts/src/text/product-text.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { ingest } from '../data/ingest.ts';
import { csrFromSparseAdjacency, undirectedEdges, type Csr, type EdgeList } from '../graph/csr.ts';
import { gaeSplit, inductiveSplit, randomEdgeSplit, type GaeSplit, type InductiveSplit } from '../graph/splits.ts';
import { normalisedRows, type NodeFeatures } from '../models/feature-rows.ts';
import { fitProductVocabulary } from '../text/fit-vocabulary.ts';
import { catalogueText, productFeatures } from '../text/product-features.ts';
import { checkVocabulary, type VocabularyWarning } from '../text/vocabulary-check.ts';
import type { Progress } from '../util/progress.ts';

/** Which split a GraphSAGE run trains and evaluates under. */
export type GraphSageProtocol = 'standard' | 'gae';

/** A graph with node features, whatever the source (McAuley co-purchase, Cora). */
export interface GraphData {
  name: string;
  ids: string[];
  titles: string[];
  /** Each product's text fields (McAuley metadata); absent for data with its own features (Cora). */
  text?: readonly ProductTextFields[];
  graph: Csr;
  features: NodeFeatures;
  vocabulary?: Vocabulary;
  /** What {@link checkVocabulary} found wrong with the fitted vocabulary; empty when fine or not fitted. */
  warnings: VocabularyWarning[];
}

/**
 * The standard protocol's splits, nested so one model serves every honest
 * protocol: 10% of products held out with all their edges (cold start), then
 * 10% of the remaining edges held out (held-out edges), then a share of the
 * training edges held out for early stopping.
 */
export interface StandardSplits {
  kind: 'standard';
  inductive: InductiveSplit;
  /** Graph the final embeddings use (training + validation edges). */
  train: Csr;
  test: EdgeList;
  /** Message-passing graph while fitting (validation edges removed). */
  fit: Csr;
  fitEdges: EdgeList;
  val: EdgeList;
}

export interface GaeSplits extends GaeSplit {
  kind: 'gae';
  fitEdges: EdgeList;
}

export interface PreparedData extends GraphData {
  splits: StandardSplits | GaeSplits;
}

async function loadRaw(path: string, progress: Progress | undefined, strict: boolean): Promise<Omit<GraphData, 'features' | 'vocabulary' | 'warnings'> & { features?: NodeFeatures }> {
  const { coPurchase, cora } = await ingest(path, { progress, strict });
  if (cora) {
    const graph = csrFromSparseAdjacency(cora.numNodes, cora.adjacency.indptr, cora.adjacency.indices);
    const f = cora.features;
    return {
      name: 'cora',
      ids: cora.nodeNames,
      titles: cora.nodeNames.map((n, i) => `paper ${n} (${cora.classNames[cora.labels[i]] ?? '?'})`),
      graph,
      features: normalisedRows(f.indptr, f.indices, f.data, f.shape[1]),
    };
  }
  if (coPurchase) {
    const { asins, titles } = coPurchase.products;
    return { name: path.split('/').filter(Boolean).at(-1) ?? path, ids: asins, titles, text: catalogueText(coPurchase.products), graph: coPurchase.graph };
  }
  throw new GraphrecError('train/no-graph', `${path} has neither product metadata (a co-purchase graph) nor a .npz graph`);
}

/**
 * Loads a data set and makes the protocol's splits, all from `seed`. Product-text
 * vocabularies (fields chosen by `text`, default {@link defaultTextFields}) are
 * fitted on training products only, so a held-out product's words do not shape
 * the features; the fitted vocabulary is checked for degeneracy (`warnings`).
 */
export async function prepareGraphData(
  path: string,
  options: { protocol: GraphSageProtocol; seed: number; valFraction: number; text?: TextFields; progress?: Progress; strict?: boolean },
): Promise<PreparedData> {
  const raw = await loadRaw(path, options.progress, options.strict ?? false);
  const { seed } = options;
  const settings = options.text ?? defaultTextFields();
  if (raw.graph.targets.length === 0) throw new GraphrecError('train/no-edges', `${path}: the graph has no edges to learn from`);
  if (options.protocol === 'gae') {
    const gae = gaeSplit(raw.graph, { seed });
    const prepared = raw.features ? { features: raw.features, warnings: [] } : withVocabulary(raw.text ?? [], settings, () => true);
    return { ...raw, features: prepared.features, warnings: prepared.warnings, splits: { kind: 'gae', ...gae, fitEdges: undirectedEdges(gae.train) } };
  }
  const inductive = inductiveSplit(raw.graph, { seed });
  const edges = randomEdgeSplit(inductive.train, { seed: seed + 1 });
  const fit = randomEdgeSplit(edges.train, { seed: seed + 2, testFraction: options.valFraction });
  const prepared = raw.features ? { features: raw.features, warnings: [] } : withVocabulary(raw.text ?? [], settings, (v) => !inductive.isHeldOut[v]);
  return {
    ...raw,
    ...prepared,
    splits: { kind: 'standard', inductive, train: edges.train, test: edges.test, fit: fit.train, fitEdges: undirectedEdges(fit.train), val: fit.test },
  };
}

function withVocabulary(
  products: readonly ProductTextFields[],
  settings: TextFields,
  isTraining: (v: number) => boolean,
): { features: NodeFeatures; vocabulary: Vocabulary; warnings: VocabularyWarning[] } {
  const training = products.filter((_, v) => isTraining(v));
  const vocabulary = fitProductVocabulary(training, settings);
  return { features: productFeatures(products, vocabulary), vocabulary, warnings: checkVocabulary(training, vocabulary) };
}
