import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Manifest } from '../../../artifacts/src/manifest/schema.ts';
import { readPinSageRunFile, readServedEmbeddings } from '../train/pinsage-run-file.ts';
import { silentProgress } from '../util/progress.ts';
import { displayOf } from './display.ts';
import { fingerprintPath } from './files.ts';
import { readServedProducts } from './served-products.ts';
import { ExportStages, writeVersion, type ExportOptions, type ExportSummary } from './write-version.ts';

/** The API's id limit (`edge/src/routes/items.ts`): a longer id could never be asked for. */
const MAX_ID = 64;

/**
 * Unit rows of `embeddings`, copied. The run's contract promises unit rows;
 * they are normalised again so that float drift in a saved file cannot skew
 * the int16 codes, and a row that cannot be normalised is refused.
 * @throws GraphrecError `export/bad-embeddings` on a non-finite or zero row.
 */
function unitRows(embeddings: Float32Array, dim: number, ids: readonly string[]): Float32Array {
  const z = new Float32Array(embeddings.length);
  for (let key = 0; key < ids.length; key++) {
    const row = embeddings.subarray(key * dim, (key + 1) * dim);
    let norm = 0;
    for (const x of row) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new GraphrecError('export/bad-embeddings', `the embedding of ${ids[key]} (row ${key}) has norm ${norm}; it cannot be served`);
    for (let j = 0; j < dim; j++) z[key * dim + j] = row[j] / norm;
  }
  return z;
}

/** @throws GraphrecError `export/bad-ids` on an empty, over-long or repeated id. */
function checkIds(ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (id.length === 0 || id.length > MAX_ID) throw new GraphrecError('export/bad-ids', `product id '${id.slice(0, 80)}' must have 1–${MAX_ID} characters to be served`);
    if (seen.has(id)) throw new GraphrecError('export/bad-ids', `product id '${id}' appears twice in the run's model/items.json`);
    seen.add(id);
  }
}

/**
 * Exports a PinSage run (`trainer/src/train/pinsage-run-file.ts`): its served
 * embeddings as they are — PinSage has no forward pass at the edge, so no
 * weights and no neighbour state are written — with display rows and review
 * counts read again from the run's data set. The manifest records whether
 * the model is transductive (a learned embedding per product id).
 * @param evaluation the run's held-out metrics, when it was evaluated.
 * @throws GraphrecError `eval/no-run`, `export/no-embeddings`, `export/bad-ids`, `export/bad-embeddings`, `export/out-not-empty`.
 */
export async function exportPinSageRun(runDir: string, options: ExportOptions, evaluation?: Manifest['evaluation']): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const run = await readPinSageRunFile(runDir);
  const served = await readServedEmbeddings(runDir);
  checkIds(served.ids);
  const stages = await ExportStages.open(options.outDir);
  const z = unitRows(served.embeddings, served.dim, served.ids);
  const { products, popularity, interactions } = await stages.timed('display', () => readServedProducts(run.dataset, served.ids, progress));
  progress.start('fingerprinting the data set');
  const fingerprint = await fingerprintPath(run.dataset);
  progress.finish(fingerprint.slice(0, 12));
  const embeddingsHash = createHash('sha256').update('pinsage\0').update(new Uint8Array(z.buffer, z.byteOffset, z.byteLength)).digest('hex');
  return writeVersion(stages, {
    z,
    dim: served.dim,
    count: served.ids.length,
    idOf: (key) => served.ids[key],
    display: (key) => displayOf(products, key, popularity[key]),
    popularity,
    model: { kind: 'pinsage', dimensions: served.dim, transductive: run.transductive },
    source: { dataset: basename(run.dataset), fingerprint, items: served.ids.length, edges: interactions },
    evaluation,
    modelHash: embeddingsHash,
  }, options);
}
