import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from './diagnostics.ts';
import { readLines } from './lines.ts';

/** The kinds of input file graphrec reads. */
export type SourceKind = 'metadata' | 'reviews' | 'image-features' | 'movielens-ratings' | 'movielens-movies' | 'npz';

export interface Source {
  kind: SourceKind;
  file: string;
}

const BY_NAME: [RegExp, SourceKind][] = [
  [/^meta_.*\.jsonl?(\.gz)?$/i, 'metadata'],
  [/^(reviews_.*|.*_5)\.jsonl?(\.gz)?$/i, 'reviews'],
  [/\.b(\.gz)?$/i, 'image-features'],
  [/^ratings\.csv(\.gz)?$/i, 'movielens-ratings'],
  [/^movies\.csv(\.gz)?$/i, 'movielens-movies'],
  [/\.npz$/i, 'npz'],
];

/** Decides a JSON-lines file's kind from its first line's field names. */
async function sniffJsonLines(file: string): Promise<SourceKind | undefined> {
  for await (const { text } of readLines(file, new Diagnostics())) {
    if (/['"]reviewerID['"]\s*:/.test(text)) return 'reviews';
    if (/['"]asin['"]\s*:/.test(text)) return 'metadata';
    return undefined;
  }
  return undefined;
}

async function classify(file: string): Promise<Source | undefined> {
  const name = basename(file);
  for (const [pattern, kind] of BY_NAME) if (pattern.test(name)) return { kind, file };
  if (/\.jsonl?(\.gz)?$/i.test(name)) {
    const kind = await sniffJsonLines(file);
    if (kind) return { kind, file };
  }
  return undefined;
}

/**
 * Finds the input files at `path`: a single file, or every recognised file in
 * a directory (not recursive), sorted by name. Recognised by name first
 * (`meta_*.json.gz`, `reviews_*_5.json.gz`, `*_5.json.gz`, `*.b`, `ratings.csv`,
 * `movies.csv`, `*.npz`), otherwise JSON-lines files by their first line.
 * @throws GraphrecError `ingest/no-input` when nothing is recognised.
 */
export async function detectSources(path: string): Promise<Source[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new GraphrecError('ingest/no-input', `input path does not exist: ${path}`);
  }
  const files = info.isDirectory() ? (await readdir(path)).sort().map((n) => join(path, n)) : [path];
  const sources: Source[] = [];
  for (const file of files) {
    if (info.isDirectory() && !(await stat(file)).isFile()) continue;
    const source = await classify(file);
    if (source) sources.push(source);
  }
  if (sources.length === 0) {
    throw new GraphrecError(
      'ingest/no-input',
      `no recognised data file at ${path}; expected meta_*.json[.gz], *_5.json[.gz], *.b, ratings.csv, movies.csv or *.npz`,
    );
  }
  return sources;
}
