import { z } from 'zod';

/**
 * The served ranker's settings, fitted on validation data by the trainer and
 * carried in the manifest (and in a run's `model/ranker.json`), so the
 * evaluator, the exporter and the edge rank with the same weights.
 */

/**
 * The per-candidate signals, each scaled to about [0, 1] within a query (see `rank.ts`):
 * - `adamic-adar`: Σ over the query's known items w listing the candidate of 1 / ln(max(deg w, 2)), over its maximum;
 * - `itemknn`: co-occurrence cosine |K ∩ N(x)| / √(|K| · deg x), over its maximum;
 * - `embedding`: cosine of the served int16 codes;
 * - `popularity`: ln(1 + deg x) / ln(1 + max deg).
 */
export const SIGNALS = ['adamic-adar', 'itemknn', 'embedding', 'popularity'] as const;
export const SignalSchema = z.enum(SIGNALS);
export type Signal = z.infer<typeof SignalSchema>;

/** Why an item is served: the signal that contributed most, or a known co-purchase of the query itself. */
export const REASONS = ['bought-together', 'graph', 'embedding', 'text', 'popular'] as const;
export const ReasonSchema = z.enum(REASONS);
export type Reason = z.infer<typeof ReasonSchema>;

/** Validation figures of one weight set, as fitted. */
export const FitFiguresSchema = z.object({
  queries: z.number().int().nonnegative(),
  hr10: z.number().min(0).max(1),
  ndcg10: z.number().min(0).max(1),
  /** The best single signal on the same queries, which a blend must beat to be kept. */
  bestSingle: z.object({ signal: SignalSchema, hr10: z.number().min(0).max(1), ndcg10: z.number().min(0).max(1) }),
});

/** One weight per signal, and whether the fit kept a blend or fell back to one signal. */
export const WeightSetSchema = z.object({
  weights: z.record(SignalSchema, z.number()),
  /** `blend`, or the single signal used because no blend beat it on validation. */
  chosen: z.union([z.literal('blend'), SignalSchema]),
  validation: FitFiguresSchema.optional(),
});
export type WeightSet = z.infer<typeof WeightSetSchema>;

export const RankerSchema = z.object({
  kind: z.literal('linear-v1'),
  /** Weights for a query with known co-purchase neighbours (or a history), and for one known by its embedding alone. */
  warm: WeightSetSchema,
  cold: WeightSetSchema,
  candidates: z.object({
    /** Embedding nearest neighbours proposed per query. */
    embedding: z.number().int().nonnegative().max(1000),
    /** Most popular items proposed per query. */
    popular: z.number().int().nonnegative().max(1000),
    /** Longest exported co-purchase list per item (the highest-degree neighbours are kept). */
    neighbours: z.number().int().positive().max(65_535),
  }),
  /** Largest training degree, which scales the popularity signal. */
  maxDegree: z.number().int().nonnegative(),
  /** Where the weights were fitted, e.g. `validation edges (fit graph), 2,000 queries`. */
  fittedOn: z.string(),
});
export type RankerSettings = z.infer<typeof RankerSchema>;

/** Candidate counts used when a run does not choose them. */
export const DEFAULT_CANDIDATES: RankerSettings['candidates'] = { embedding: 50, popular: 50, neighbours: 128 };
