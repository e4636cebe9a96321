import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import type { UserSplitName } from '../eval/user-evaluate.ts';
import { readTensorFile, writeTensorFile, type NamedArrays } from './tensor-file.ts';

/**
 * What a PinSage run keeps beside the `run.json` contract so that
 * `graphrec eval RUN` can rebuild its evaluation without retraining:
 * - `model/<split>.weights.bin`: the weights of the model trained on each split;
 * - `model/vocabulary.json`: the title vocabulary (the same for both: fitted on catalogue titles);
 * - `model/training.json`: {@link PinSageTrainingFileSchema}.
 */

const EpochSchema = z.object({ epoch: z.number(), trainLoss: z.number(), seconds: z.number(), pairsPerSecond: z.number() });
const SplitTrainingSchema = z.object({
  history: z.array(EpochSchema),
  trainSeconds: z.number(),
  /** Epochs a checkpoint had done when this run started (0: trained from scratch). */
  resumedFrom: z.number().int().nonnegative(),
});

/** `model/training.json`: per split, how its model trained; and the inputs the evaluation must load again. */
export const PinSageTrainingFileSchema = z.object({
  splits: z.object({ 'leave-last-out': SplitTrainingSchema, temporal: SplitTrainingSchema }),
  /** Whether the models have an image term (the image matrix must be read again to embed). */
  images: z.boolean(),
  /** A GraphSAGE run evaluated beside PinSage, if any. */
  graphsageRun: z.string().optional(),
});
export type PinSageTrainingFile = z.infer<typeof PinSageTrainingFileSchema>;

const TRAINING = join('model', 'training.json');
const VOCABULARY = join('model', 'vocabulary.json');
const weightsPath = (runDir: string, split: UserSplitName): string => join(runDir, 'model', `${split}.weights.bin`);

export async function writePinSageTraining(runDir: string, training: PinSageTrainingFile): Promise<void> {
  await mkdir(join(runDir, 'model'), { recursive: true });
  await writeFile(join(runDir, TRAINING), `${JSON.stringify(PinSageTrainingFileSchema.parse(training), null, 2)}\n`);
}

/** @throws GraphrecError `eval/bad-run` when the run has no (valid) `model/training.json`. */
export async function readPinSageTraining(runDir: string): Promise<PinSageTrainingFile> {
  const path = join(runDir, TRAINING);
  if (!existsSync(path)) throw new GraphrecError('eval/bad-run', `${runDir} has no ${TRAINING}; did training finish?`);
  const parsed = PinSageTrainingFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new GraphrecError('eval/bad-run', `${path} is invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function writeSplitWeights(runDir: string, split: UserSplitName, weights: NamedArrays): Promise<void> {
  await mkdir(join(runDir, 'model'), { recursive: true });
  await writeTensorFile(weightsPath(runDir, split), weights);
}

/** @throws GraphrecError `eval/bad-run` when the split's weights are missing. */
export async function readSplitWeights(runDir: string, split: UserSplitName): Promise<NamedArrays> {
  const path = weightsPath(runDir, split);
  if (!existsSync(path)) throw new GraphrecError('eval/bad-run', `${runDir} has no weights for the ${split} split (${path})`);
  return readTensorFile(path);
}

export async function writeVocabulary(runDir: string, vocabulary: Vocabulary): Promise<void> {
  await writeFile(join(runDir, VOCABULARY), JSON.stringify(vocabulary.toJSON()));
}

/** @throws GraphrecError `eval/bad-run` when missing, `vocab/invalid` when malformed. */
export async function readVocabulary(runDir: string): Promise<Vocabulary> {
  const path = join(runDir, VOCABULARY);
  if (!existsSync(path)) throw new GraphrecError('eval/bad-run', `${runDir} has no title vocabulary (${VOCABULARY})`);
  return Vocabulary.parse(JSON.parse(await readFile(path, 'utf8')));
}
