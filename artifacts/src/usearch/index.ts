/**
 * @module
 * Pure TypeScript reader of usearch 2.25 index files with HNSW search, for
 * the edge (no native addon) and for checks in the trainer.
 */
export { DENSE_HEADER_BYTES, GRAPH_HEADER_BYTES, USEARCH_MAGIC, USEARCH_SUPPORTED_VERSION, parseUsearchFile } from './format.ts';
export type { ParseOptions, UsearchFile, UsearchGraphHeader, UsearchHeader, UsearchMetric, UsearchScalarKind } from './format.ts';
export { DEFAULT_EXPANSION_SEARCH, UsearchIndexView, openUsearchIndex } from './hnsw.ts';
export type { UsearchMatches, UsearchSearchOptions } from './hnsw.ts';
