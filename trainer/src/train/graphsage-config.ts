import { z } from 'zod';
import { defaultTextFields, TextFieldsSchema } from '../../../artifacts/src/text/product-text.ts';

/** Hyper-parameters of a GraphSAGE run, parsed once and frozen. */
export const GraphSageConfigSchema = z.object({
  seed: z.number().int().nonnegative().default(1),
  /** Maximum epochs; early stopping usually ends sooner. */
  epochs: z.number().int().positive().default(30),
  /** Positive edges per mini-batch; `fullBatch` uses every training edge in one step. */
  batchSize: z.number().int().positive().default(1024),
  fullBatch: z.boolean().default(false),
  /** Uniform negative edges per positive. */
  negatives: z.number().int().positive().default(2),
  /** Neighbour fan-out per layer, input side first. */
  fanouts: z.array(z.number().int().positive()).length(2).default([10, 10]),
  learningRate: z.number().positive().default(0.01),
  inputDim: z.number().int().positive().default(64),
  hiddenDim: z.number().int().positive().default(64),
  outputDim: z.number().int().positive().default(64),
  /** Dot products of unit vectors lie in [-1, 1]; the loss sees them × this scale. Ranking is unaffected. */
  scoreScale: z.number().positive().default(5),
  /** Epochs without validation improvement before stopping. */
  patience: z.number().int().positive().default(3),
  /** Share of batch targets trained with no neighbours (title-only cold start in distribution). */
  isolateRate: z.number().min(0).max(1).default(0.1),
  /** Share of batch targets trained with exactly one neighbour. */
  singleRate: z.number().min(0).max(1).default(0.1),
  /** Share of training edges held out for validation (early stopping). */
  valFraction: z.number().gt(0).lt(1).default(0.05),
  /**
   * Which product fields make the text features, and their weights (`--text-fields`).
   * Runs recorded before this field existed used the title alone (`readRunFile` fills that in).
   * Data without text fields (Cora) ignores it.
   */
  text: TextFieldsSchema.default(defaultTextFields),
});
export type GraphSageConfig = Readonly<z.infer<typeof GraphSageConfigSchema>>;

/** Fills defaults and validates; throws a zod error naming the field. */
export function parseGraphSageConfig(input: unknown): GraphSageConfig {
  return Object.freeze(GraphSageConfigSchema.parse(input));
}
