import { GraphrecError } from '../errors.ts';
import type { ModelKind } from './schema.ts';

/**
 * The object-key layout in a bucket:
 *   <prefix>/<model>/versions/<version>/<relative key>
 *   <prefix>/<model>/CURRENT
 * `prefix` may be empty. Versions are immutable once `CURRENT` has named them.
 */
export interface ObjectKeys {
  /** `<prefix>/<model>/` */
  readonly root: string;
  readonly current: string;
  readonly versionsRoot: string;
  versionRoot(version: string): string;
  object(version: string, relativeKey: string): string;
}

/** Key layout for one model under an optional prefix (slashes trimmed). */
export function objectKeys(prefix: string, model: ModelKind): ObjectKeys {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  if (clean.split('/').some((s) => s === '..' || s === '.')) throw new GraphrecError('keys/bad-prefix', `prefix '${prefix}' must not contain '.' or '..' segments`);
  const root = `${clean ? `${clean}/` : ''}${model}/`;
  const versionsRoot = `${root}versions/`;
  return {
    root,
    current: `${root}CURRENT`,
    versionsRoot,
    versionRoot: (version) => `${versionsRoot}${version}/`,
    object: (version, relativeKey) => `${versionsRoot}${version}/${relativeKey}`,
  };
}

/** FNV-1a 32-bit over UTF-16 code units; stable in every runtime. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The catalogue object holding `id`, out of `count` (a power of two). */
export function catalogueShardOf(id: string, count: number): number {
  return fnv1a32(id) & (count - 1);
}

/** Zero-padded relative keys, so listings sort in shard order. */
export const shardIndexKey = (id: number): string => `shards/${String(id).padStart(4, '0')}.usearch`;
export const shardCodesKey = (id: number): string => `shards/${String(id).padStart(4, '0')}.codes`;
export const shardRowsKey = (id: number): string => `shards/${String(id).padStart(4, '0')}.rows.ndjson`;
export const shardSimilarKey = (id: number): string => `shards/${String(id).padStart(4, '0')}.similar`;
export const shardGraphKey = (id: number): string => `shards/${String(id).padStart(4, '0')}.graph`;
export const catalogueKey = (id: number): string => `catalogue/${String(id).padStart(5, '0')}.json`;
export const POPULAR_KEY = 'popular.json';
export const FORWARD_WEIGHTS_KEY = 'model/graphsage.f32';
export const VOCABULARY_KEY = 'model/vocabulary.json';
