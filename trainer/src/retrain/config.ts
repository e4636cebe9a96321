import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { BACKENDS } from '../models/backend.ts';
import { GraphSageConfigSchema } from '../train/graphsage-config.ts';
import { PinSageConfigSchema } from '../train/pinsage-config.ts';

/** Export settings passed through to `exportRun` (the same as `graphrec export`'s flags). */
const ExportSettingsSchema = z.strictObject({
  shardItems: z.number().int().positive().default(4096),
  nprobe: z.number().int().min(1).max(1024).optional(),
  shortlist: z.number().int().min(1).max(64).default(4),
  connectivity: z.number().int().min(2).max(256).default(16),
  similarDepth: z.number().int().min(1).max(1000).default(32),
  blockRows: z.number().int().min(1).max(65_536).default(256),
  recallQueries: z.number().int().positive().default(1000),
});

const GateSchema = z.strictObject({
  /** `protocol/method/metric` in the run's evaluation; default {@link defaultGateMetric}. Higher is better. */
  metric: z.string().regex(/^[^/]+\/.+\/[^/]+$/, 'must be protocol/method/metric').optional(),
  /** Largest absolute drop accepted (0.01 = one point of HR@10). */
  tolerance: z.number().nonnegative().default(0.01),
  /** What to do when the live version records no value for the metric (a manual publish, an older manifest). */
  onMissingLive: z.enum(['refuse', 'publish']).default('refuse'),
});

const common = {
  data: z.strictObject({
    /** A data file or a folder of them, as `graphrec ingest` reads it (every source file in a folder is used). */
    path: z.string().min(1),
    format: z.enum(['auto', '2014', '2018']).default('auto'),
    /** Refuse malformed input lines instead of skipping them. */
    strict: z.boolean().default(false),
  }),
  /** `s3://BUCKET[/PREFIX]` or `local[:BUCKET[/PREFIX]]`, with the same refinements as `--to`. */
  target: z.strictObject({
    to: z.string().min(1),
    endpoint: z.string().optional(),
    region: z.string().optional(),
    persistTo: z.string().optional(),
  }),
  export: ExportSettingsSchema.prefault({}),
  gate: GateSchema.prefault({}),
  publish: z.strictObject({ keep: z.number().int().positive().default(5) }).prefault({}),
  lock: z.strictObject({
    /** A lock not renewed for this long belongs to a crashed run and may be taken over. */
    ttlSeconds: z.number().int().min(5).default(900),
    /** How long to wait for a lock another run holds before exiting (0: exit at once). */
    waitSeconds: z.number().int().nonnegative().default(0),
  }).prefault({}),
  /** Local folder for stage outputs, reused by a re-run on the same data and settings. */
  workDir: z.string().min(1).default('.cache/retrain'),
  backend: z.enum(BACKENDS).optional(),
};

/** A `graphrec retrain` configuration file, model by model. */
export const RetrainConfigSchema = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('graphsage'),
    protocol: z.enum(['standard', 'gae']).default('standard'),
    training: GraphSageConfigSchema.strict().prefault({}),
    ...common,
  }),
  z.strictObject({
    model: z.literal('pinsage'),
    /** Use image features when the data set has them. */
    images: z.boolean().default(true),
    /** Walk co-purchase edges too (needs product metadata). */
    unified: z.boolean().default(false),
    training: PinSageConfigSchema.strict().prefault({}),
    ...common,
  }),
]);
type ParsedConfig = z.infer<typeof RetrainConfigSchema>;
/** A parsed configuration: paths absolute, the gate metric filled in. */
export type RetrainConfig = ParsedConfig & { readonly gate: ParsedConfig['gate'] & { metric: string } };

/** The gate metric when the config names none: the served method's HR@10 under the model's honest protocol. */
export function defaultGateMetric(config: Pick<ParsedConfig, 'model'> & { protocol?: string }): string {
  if (config.model === 'pinsage') return 'user-leave-last-out/pinsage/mean-history/hr@10';
  return config.protocol === 'gae' ? 'gae/graphsage/auc' : 'held-out-edges/graphsage/hr@10';
}

/**
 * Parses a configuration; relative paths (`data.path`, `workDir`, `target.persistTo`) are taken from `baseDir`.
 * @throws GraphrecError `retrain/bad-config` naming the field and the problem.
 */
export function parseRetrainConfig(input: unknown, baseDir: string, source = 'retrain config'): RetrainConfig {
  const parsed = RetrainConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new GraphrecError('retrain/bad-config', `${source} is invalid: ${issues.join('; ')}`, { issues });
  }
  const c = parsed.data;
  return Object.freeze({
    ...c,
    data: { ...c.data, path: resolve(baseDir, c.data.path) },
    workDir: resolve(baseDir, c.workDir),
    target: { ...c.target, ...(c.target.persistTo ? { persistTo: resolve(baseDir, c.target.persistTo) } : {}) },
    gate: { ...c.gate, metric: c.gate.metric ?? defaultGateMetric(c) },
  });
}

/**
 * Reads a JSON configuration file; paths in it are relative to the file.
 * @throws GraphrecError `retrain/no-config`, `retrain/bad-config`.
 */
export async function readRetrainConfig(path: string): Promise<RetrainConfig> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new GraphrecError('retrain/no-config', `cannot read ${path}: ${err.code ?? err.message}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GraphrecError('retrain/bad-config', `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseRetrainConfig(json, dirname(resolve(path)), path);
}

/**
 * sha256 of everything that shapes the stage outputs (model, data location and
 * reading, training, export), not of the target, gate or lock: changing the
 * tolerance or the bucket reuses the trained model.
 */
export function configHash(config: RetrainConfig): string {
  const { target: _target, gate: _gate, lock: _lock, publish: _publish, workDir: _workDir, backend: _backend, ...shaping } = config;
  return createHash('sha256').update(canonicalJson(shaping)).digest('hex');
}

/** JSON with object keys sorted, so equal settings hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
