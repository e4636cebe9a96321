import type { ProtocolResult } from './types.ts';

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
}
