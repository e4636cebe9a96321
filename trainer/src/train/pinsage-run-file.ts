import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { RecordedPinSageConfigSchema } from './pinsage-config.ts';
import { readTensorFile, writeTensorFile } from './tensor-file.ts';

/**
 * A PinSage run folder, the contract between `graphrec train pinsage` (which
 * writes it) and `graphrec export` (which serves it):
 * - `run.json`: {@link PinSageRunFileSchema};
 * - `model/embeddings.bin`: the served embeddings, a tensor file with one
 *   array `embeddings` of shape `[items, dim]`, unit rows, row `i` for `items[i]`
 *   of `model/items.json`;
 * - `model/items.json`: `{ ids: string[] }`, the products (ASINs or movie ids) in row order;
 * - `eval.json` when evaluated (the report data, as for GraphSAGE runs).
 *
 * The served embeddings come from the model trained on the leave-last-out
 * training set, with random-walk neighbourhoods over every interaction: serving
 * uses all it knows, as GraphSAGE serving uses the full co-purchase graph.
 */
export const PinSageRunFileSchema = z.object({
  model: z.literal('pinsage'),
  /** The data path the run was trained on (what export ingests again for display rows). */
  dataset: z.string(),
  /** The run's settings; a file without `scoreBias` predates it and was trained with the bias on. */
  config: RecordedPinSageConfigSchema,
  backend: z.string(),
  createdAt: z.string(),
  /** Counts: users, items, interactions, items with an image, … */
  data: z.record(z.string(), z.number()),
  history: z.array(z.object({ epoch: z.number(), trainLoss: z.number(), seconds: z.number(), pairsPerSecond: z.number().optional() })),
  trainSeconds: z.number(),
  /** Whether the learnable product-ID embedding was on: such embeddings cannot be computed for a product without interactions. */
  transductive: z.boolean(),
  /** Whether co-purchase edges joined the random walks (the unified graph). */
  unifiedGraph: z.boolean().default(false),
});
export type PinSageRunFile = z.infer<typeof PinSageRunFileSchema>;

const EMBEDDINGS = join('model', 'embeddings.bin');
const ITEMS = join('model', 'items.json');

/** The run's kind from its `run.json`, for commands that take either model's runs. @throws GraphrecError `eval/no-run`. */
export async function runKind(runDir: string): Promise<'graphsage' | 'pinsage'> {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) throw new GraphrecError('eval/no-run', `${runDir} is not a training run (no run.json)`);
  const { model } = JSON.parse(await readFile(path, 'utf8')) as { model?: unknown };
  if (model !== 'graphsage' && model !== 'pinsage') throw new GraphrecError('eval/no-run', `${runDir}/run.json names an unknown model '${String(model)}'`);
  return model;
}

export async function readPinSageRunFile(runDir: string): Promise<PinSageRunFile> {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) throw new GraphrecError('eval/no-run', `${runDir} is not a training run (no run.json)`);
  const parsed = PinSageRunFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new GraphrecError('eval/no-run', `${path} is not a PinSage run: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function writePinSageRunFile(runDir: string, run: PinSageRunFile): Promise<void> {
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'run.json'), `${JSON.stringify(PinSageRunFileSchema.parse(run), null, 2)}\n`);
}

/** The served embeddings of a run. */
export interface ServedEmbeddings {
  ids: string[];
  embeddings: Float32Array;
  dim: number;
}

export async function writeServedEmbeddings(runDir: string, served: ServedEmbeddings): Promise<void> {
  if (served.embeddings.length !== served.ids.length * served.dim) {
    throw new GraphrecError('train/shape', `${served.ids.length} ids × ${served.dim} dims but ${served.embeddings.length} values`);
  }
  await mkdir(join(runDir, 'model'), { recursive: true });
  await writeTensorFile(join(runDir, EMBEDDINGS), { embeddings: { shape: [served.ids.length, served.dim], data: served.embeddings } });
  await writeFile(join(runDir, ITEMS), JSON.stringify({ ids: served.ids }));
}

/** @throws GraphrecError `export/no-embeddings` when the run has none (not finished) or they disagree with the ids. */
export async function readServedEmbeddings(runDir: string): Promise<ServedEmbeddings> {
  if (!existsSync(join(runDir, EMBEDDINGS)) || !existsSync(join(runDir, ITEMS))) {
    throw new GraphrecError('export/no-embeddings', `${runDir} has no served embeddings (${EMBEDDINGS}, ${ITEMS}); did training finish?`);
  }
  const arrays = await readTensorFile(join(runDir, EMBEDDINGS));
  const { ids } = z.object({ ids: z.array(z.string()) }).parse(JSON.parse(await readFile(join(runDir, ITEMS), 'utf8')));
  const e = arrays.embeddings;
  if (!e || e.shape.length !== 2 || e.shape[0] !== ids.length) {
    throw new GraphrecError('export/no-embeddings', `${runDir}: embeddings of shape [${e?.shape.join(', ') ?? ''}] do not match ${ids.length} ids`);
  }
  return { ids, embeddings: e.data, dim: e.shape[1]! };
}
