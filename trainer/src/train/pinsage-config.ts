import { z } from 'zod';

/** Hyper-parameters of a PinSage run, parsed once and frozen. Defaults follow DGL's PinSage example where it has one. */
export const PinSageConfigSchema = z.object({
  seed: z.number().int().nonnegative().default(1),
  epochs: z.number().int().nonnegative().default(10),
  /** Positive pairs per mini-batch. An epoch draws one pair per training interaction (its product and another of its user's). */
  batchSize: z.number().int().positive().default(512),
  /**
   * Positives come from the user's `pairWindow` interactions before and after
   * the head's in time; 0 (the default, DGL's sampler) draws from the user's
   * whole training history. Runs recorded before the option had 0.
   */
  pairWindow: z.number().int().nonnegative().default(0),
  /** Uniform random negative products per positive pair. */
  negatives: z.number().int().positive().default(2),
  learningRate: z.number().positive().default(0.005),
  /** Hinge margin on scores `z_a·z_b` (`+ bias_b` with {@link scoreBias}), where z is unit length. */
  margin: z.number().positive().default(0.5),
  /**
   * Adds a learned per-product bias to the training score, `s(a, b) = z_a·z_b + bias_b`
   * (DGL's `ItemToItemScorer`). Off by default: the served index and the evaluation
   * rank by the embeddings alone, so with the bias on, part of what training learns
   * (chiefly popularity) lives in a term serving drops, and the embeddings are
   * trained for a score they are never used with. Trained without it, validation
   * HR@10 was higher on all three data sets (README, PinSage). Run files without
   * the field were trained with it on ({@link LEGACY_SCORE_BIAS}).
   */
  scoreBias: z.boolean().default(false),
  /** Width of the projector, every layer and the output embedding. */
  dim: z.number().int().positive().default(64),
  layers: z.number().int().positive().default(2),
  /** Random walks per product when sampling a layer's neighbours. */
  walks: z.number().int().positive().default(10),
  /** Product-to-product steps per walk (each product → user → product). */
  walkLength: z.number().int().positive().default(2),
  /** Probability that a walk ends before each step after the first. */
  restart: z.number().min(0).max(1).default(0.5),
  /** Neighbours kept per product: the most visited. */
  topT: z.number().int().positive().default(3),
  /** With a co-purchase graph: probability that a walk step follows a co-purchase edge instead of a user. */
  coPurchaseProb: z.number().min(0).max(1).default(0.5),
  /** Walks per product for the final embeddings (more walks, steadier neighbourhoods); default `walks`. */
  inferenceWalks: z.number().int().positive().optional(),
  /** Learnable per-product embedding. Transductive: off for products that must be embedded without training data. */
  idEmbedding: z.boolean().default(false),
  /** Title vocabulary: terms in at least this many titles … */
  minDf: z.number().int().positive().default(2),
  /** … and at most this many terms, the most frequent. */
  maxVocabulary: z.number().int().positive().default(20_000),
});
export type PinSageConfig = Readonly<z.infer<typeof PinSageConfigSchema>>;

/** What a recorded config without `scoreBias` (written before the option existed) was trained with. */
export const LEGACY_SCORE_BIAS = true;

/**
 * A config as run files and checkpoints record it: as {@link PinSageConfigSchema},
 * except that a missing `scoreBias` means the behaviour of the runs that lacked
 * it ({@link LEGACY_SCORE_BIAS}), not today's default.
 */
export const RecordedPinSageConfigSchema = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !('scoreBias' in v) ? { ...v, scoreBias: LEGACY_SCORE_BIAS } : v),
  PinSageConfigSchema,
);

/**
 * Fills defaults and validates; throws a zod error naming the field.
 * @example parsePinSageConfig({ epochs: 5, idEmbedding: true })
 */
export function parsePinSageConfig(input: unknown = {}): PinSageConfig {
  return Object.freeze(PinSageConfigSchema.parse(input));
}
