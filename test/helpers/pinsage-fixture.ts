import { ingest } from '../../trainer/src/data/ingest.ts';
import type { ReviewGraph } from '../../trainer/src/graph/review-graph.ts';
import { selectBackend } from '../../trainer/src/models/backend.ts';
import { parsePinSageConfig } from '../../trainer/src/train/pinsage-config.ts';
import { writePinSageRunFile, writeServedEmbeddings } from '../../trainer/src/train/pinsage-run-file.ts';
import { trainPinSage } from '../../trainer/src/train/pinsage-trainer.ts';

/** A PinSage run folder written by the run-file contract, and what it serves. */
export interface PinSageFixture {
  runDir: string;
  graph: ReviewGraph;
  /** Served ids (the review graph's products) and their `[ids × dim]` unit embeddings. */
  ids: string[];
  embeddings: Float32Array;
  dim: number;
}

/**
 * Trains a small PinSage model on the review graph of `dataPath` (every
 * interaction, as serving uses them) and writes its run folder the way
 * `graphrec train pinsage` does: `run.json` and the served embeddings.
 */
export async function trainPinSageFixture(dataPath: string, runDir: string, config: Record<string, unknown> = {}): Promise<PinSageFixture> {
  const { backend } = await selectBackend('wasm');
  const { reviewGraph, itemFeatures } = await ingest(dataPath);
  const graph = reviewGraph!;
  const parsed = parsePinSageConfig({ seed: 3, epochs: 2, dim: 32, ...config });
  const train = Int32Array.from({ length: graph.item.length }, (_, i) => i);
  const out = await trainPinSage({ graph, train, features: itemFeatures!, config: parsed });
  await writePinSageRunFile(runDir, {
    model: 'pinsage',
    dataset: dataPath,
    config: parsed,
    backend,
    createdAt: new Date().toISOString(),
    data: { users: graph.numUsers, items: graph.numItems, interactions: graph.item.length },
    history: out.history,
    trainSeconds: out.history.reduce((s, h) => s + h.seconds, 0),
    transductive: out.transductive,
    unifiedGraph: false,
  });
  await writeServedEmbeddings(runDir, { ids: graph.asins, embeddings: out.embeddings, dim: out.dim });
  return { runDir, graph, ids: graph.asins, embeddings: out.embeddings, dim: out.dim };
}
