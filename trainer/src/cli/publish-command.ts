import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { DEFAULT_MULTIPART_THRESHOLD, type ObjectStore } from '../publish/object-store.ts';
import { publishExport } from '../publish/publish.ts';
import { DEFAULT_KEEP } from '../publish/retention.ts';
import { DEFAULT_RETRY } from '../publish/retry.ts';
import { describeTarget, openTarget, parseTarget, type Target } from '../publish/target.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';
import { formatCount } from './format.ts';

/** `--to` and its refinements, shared by publish, versions, rollback and prune. */
export const targetOptions = {
  to: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'persist-to': { type: 'string' },
} as const;

export const TARGET_USAGE = '--to s3://BUCKET[/PREFIX]|local[:BUCKET[/PREFIX]] [--endpoint URL] [--region R] [--persist-to DIR]';

/** The target named by the flags. */
export function targetFromFlags(values: { to?: string; endpoint?: string; region?: string; 'persist-to'?: string }): Target {
  return parseTarget(values.to, { endpoint: values.endpoint, region: values.region, persistTo: values['persist-to'] });
}

/** Opens the target's store, runs `fn`, and closes it whatever happens. */
export async function withStore<T>(target: Target, fn: (store: ObjectStore) => Promise<T>, options: { multipartThreshold?: number; concurrency?: number } = {}): Promise<T> {
  const store = await openTarget(target, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Reads a byte size: plain bytes or with a K/M/G suffix (binary: 8M = 8 MiB).
 * @throws GraphrecError `cli/bad-arguments`.
 */
export function byteSizeFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(value.trim());
  const bytes = m ? Math.round(Number(m[1]) * 1024 ** ' KMG'.indexOf(m[2].toUpperCase() || ' ')) : Number.NaN;
  if (!(bytes >= 1024)) throw new GraphrecError('cli/bad-arguments', `--${name} must be a size ≥ 1K like 8M, 512K or 1048576, got '${value}'`);
  return bytes;
}

const usage = `graphrec publish DIR ${TARGET_USAGE} [--keep N] [--concurrency N] [--attempts N] [--multipart-threshold 8M] [--json]`;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'upload an export folder as a new version (verified, resumable), then point CURRENT at it and prune old versions',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.args,
      { ...targetOptions, keep: { type: 'string' }, concurrency: { type: 'string' }, attempts: { type: 'string' }, 'multipart-threshold': { type: 'string' } },
      usage,
    );
    const dir = positionals[0];
    if (!dir) throw new GraphrecError('cli/bad-arguments', `missing DIR\nusage: ${usage}`);
    const target = targetFromFlags(values);
    const keep = numberFlag(values.keep, 'keep', DEFAULT_KEEP, { min: 1, integer: true });
    const concurrency = numberFlag(values.concurrency, 'concurrency', 8, { min: 1, max: 64, integer: true });
    const attempts = numberFlag(values.attempts, 'attempts', DEFAULT_RETRY.attempts, { min: 1, max: 20, integer: true });
    const multipartThreshold = byteSizeFlag(values['multipart-threshold'], 'multipart-threshold', DEFAULT_MULTIPART_THRESHOLD);
    const prefix = target.prefix;
    const result = await withStore(target, (store) => publishExport(dir, store, { prefix, keep, concurrency, retry: { ...DEFAULT_RETRY, attempts }, progress: ctx.progress }), { multipartThreshold, concurrency });
    if (result.alreadyPublished) ctx.print(`version ${result.version} was already published completely to ${describeTarget(target)}; nothing uploaded, CURRENT rewritten`);
    else ctx.print(`published ${result.version} to ${describeTarget(target)}: ${result.uploaded} uploaded (${formatCount(result.bytes)} bytes), ${result.skipped} already there`);
    ctx.print(`CURRENT → ${result.current.version}${result.previous && result.previous !== result.version ? ` (was ${result.previous})` : ''}`);
    if (result.deleted.length > 0) ctx.print(`deleted ${result.deleted.length} old version(s): ${result.deleted.join(', ')}`);
    if (result.pruneError) process.stderr.write(`graphrec publish: warning: retention failed, old versions remain: ${result.pruneError}\n`);
    return { ...result, target: describeTarget(target) };
  },
};
