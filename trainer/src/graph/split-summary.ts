import type { Csr } from './csr.ts';
import { leaveLastOut, temporalSplit } from './interaction-splits.ts';
import type { ReviewGraph } from './review-graph.ts';
import { gaeSplit, inductiveSplit, randomEdgeSplit } from './splits.ts';

/** Sizes of every standard split of a data set, for `graphrec ingest --splits`. */
export interface SplitSummary {
  seed: number;
  coPurchase?: {
    random90_10: { trainEdges: number; testEdges: number };
    gae85_5_10: { trainEdges: number; valEdges: number; testEdges: number; valNonEdges: number; testNonEdges: number };
    inductive10: { heldOutProducts: number; hiddenEdges: number; trainEdges: number };
  };
  reviews?: {
    temporal80_10_10: { train: number; val: number; test: number };
    leaveLastOut: { train: number; val: number; test: number };
  };
}

/** Runs each split once under `seed` and reports its sizes. */
export function summariseSplits(seed: number, coPurchase?: Csr, reviews?: ReviewGraph): SplitSummary {
  const summary: SplitSummary = { seed };
  if (coPurchase && coPurchase.targets.length > 0) {
    const random = randomEdgeSplit(coPurchase, { seed });
    const gae = gaeSplit(coPurchase, { seed });
    const inductive = inductiveSplit(coPurchase, { seed });
    summary.coPurchase = {
      random90_10: { trainEdges: random.train.targets.length / 2, testEdges: random.test.src.length },
      gae85_5_10: {
        trainEdges: gae.train.targets.length / 2,
        valEdges: gae.valPos.src.length,
        testEdges: gae.testPos.src.length,
        valNonEdges: gae.valNeg.src.length,
        testNonEdges: gae.testNeg.src.length,
      },
      inductive10: { heldOutProducts: inductive.heldOut.length, hiddenEdges: inductive.hiddenEdges.src.length, trainEdges: inductive.train.targets.length / 2 },
    };
  }
  if (reviews) {
    const sizes = (s: { train: Int32Array; val: Int32Array; test: Int32Array }) => ({ train: s.train.length, val: s.val.length, test: s.test.length });
    summary.reviews = { temporal80_10_10: sizes(temporalSplit(reviews)), leaveLastOut: sizes(leaveLastOut(reviews)) };
  }
  return summary;
}
