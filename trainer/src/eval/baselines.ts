/**
 * The baseline scorers every protocol runs beside the learned models:
 * random, popularity, common neighbours, Adamic-Adar, ItemKNN and TF-IDF cosine.
 * @module
 */
export { randomScorer, popularityScorer } from './baselines/simple.ts';
export { NEEDS_NEIGHBOURS, adamicAdarScorer, commonNeighborsScorer, itemKnnScorer } from './baselines/neighborhood.ts';
export { NEEDS_FEATURES, tfidfScorer } from './baselines/content.ts';
