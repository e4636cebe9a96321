import type { RankerSettings } from '../../../artifacts/src/ranker/schema.ts';
import type { ProtocolResult } from './types.ts';
import type { UserTaskStats } from './user-protocols.ts';
import type { UserSampleTable } from './user-samples.ts';

/** One epoch of training, as the report plots it. */
export interface ReportEpoch {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  seconds: number;
}

/** One held-out product and what a method recommended for it. */
export interface SampleRecommendation {
  protocol: string;
  method: string;
  query: { id: string; title: string };
  /** Best first; `hit` marks a held-out true neighbour. */
  recommendations: { id: string; title: string; hit: boolean }[];
}

/** One model's training loss per epoch, for runs that train several models (PinSage: one per split). */
export interface TrainingCurve {
  /** e.g. `'leave-last-out split (served model)'`. */
  label: string;
  history: { epoch: number; trainLoss: number; seconds: number; pairsPerSecond?: number }[];
}

/** Everything `RUN/report/index.html` shows; also saved as `RUN/eval.json`. */
export interface RunReportData {
  title: string;
  model: string;
  dataset: string;
  createdAt: string;
  backend: string;
  config: Record<string, unknown>;
  /** Data facts: node and edge counts, split sizes. */
  data: Record<string, number>;
  history: ReportEpoch[];
  bestEpoch: number;
  protocols: ProtocolResult[];
  samples: SampleRecommendation[];
  /** Wall-clock seconds per stage (`train`, `embed`, `evaluate`, …). */
  timings: Record<string, number>;
  /** Loss curves of several models; when present the report plots these instead of `history`. */
  trainingCurves?: TrainingCurve[];
  /** User-recommendation samples (a user's products beside each method's picks); shown instead of `samples`. */
  userSamples?: UserSampleTable[];
  /** Per user protocol, who was evaluated and how many test items were cold. */
  userTasks?: Record<string, UserTaskStats>;
  /** The served ranker and its ablation as fitted on validation (the `served` rows rank with these). */
  rankers?: { served: RankerSettings; withoutEmbedding: RankerSettings };
}
