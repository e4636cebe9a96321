import { createHash } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoFlags } from '../scripts/demo-flags.mjs';

/** The repository root: wrangler runs here (its custom build uses relative paths), and default paths hang off it. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where the demo keeps what it builds, and where the local R2 bucket lives. */
export interface DemoLayout {
  /** `.cache/demo` or `--state DIR`. */
  state: string;
  /** wrangler's `--persist-to`: holds `v3/r2/<bucket>`. */
  persistTo: string;
  data: string;
  runs: string;
  exports: string;
}

/**
 * Lays the state out. Without `--state` the bucket is `.wrangler/state`, the
 * default of `graphrec publish --to local`, so the CLI's `versions --to local`
 * and `npm run edge:dev` see what the demo published; with it, everything
 * (bucket included) stays inside DIR, which is what a test wants.
 */
export function demoLayout(flags: Pick<DemoFlags, 'state'>): DemoLayout {
  const state = flags.state ?? join(ROOT, '.cache/demo');
  return {
    state,
    persistTo: flags.state ? join(flags.state, 'wrangler-state') : join(ROOT, '.wrangler/state'),
    data: join(state, 'data'),
    runs: join(state, 'runs'),
    exports: join(state, 'exports'),
  };
}

/** A short, stable key of some settings: the folder name that makes a stale output impossible to mistake for a current one. */
export function settingsKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}

/** A path as people read it: relative to the repository when inside it. */
export function shown(path: string): string {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}
