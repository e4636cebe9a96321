// The flags of `npm run demo`, shared by the dependency-free entry point
// (infra/scripts/demo.mjs, which must reject a bad flag or answer --help before
// installing anything) and the TypeScript pipeline (infra/demo/), so the two
// can never disagree about what a flag means.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Synthetic catalogue size when neither --products nor --data is given: trains in about a minute on 2 cores. */
export const DEFAULT_PRODUCTS = 5000;
/** Training epochs (early stopping may end sooner). */
export const DEFAULT_EPOCHS = 10;
/** The port `wrangler dev` and the README use; another free one is taken when it is busy. */
export const DEFAULT_PORT = 8787;

export const DEMO_USAGE = `usage: npm run demo -- [flags]

Builds recommendations for a product catalogue and serves the demo storefront:
installs dependencies if needed, generates a synthetic catalogue (or reads
--data), trains GraphSAGE, evaluates it, exports the artifacts, publishes them
to the local R2 bucket and starts \`wrangler dev\` on 127.0.0.1. A second run
reuses every stage whose output is complete and current.

  --data PATH      McAuley metadata (a folder or file, e.g. ../shared/datasets/amazon-gift-cards-2018)
                   instead of the synthetic catalogue
  --products N     synthetic catalogue size (default ${DEFAULT_PRODUCTS}; 100–1,000,000)
  --epochs N       maximum training epochs (default ${DEFAULT_EPOCHS}; early stopping may end sooner)
  --port N         port of the demo server (default ${DEFAULT_PORT}, or a free one when ${DEFAULT_PORT} is busy)
  --fresh          rebuild every stage even when its output is current
  --no-serve       build and publish, then exit without starting the server
  --state DIR      where built stages are kept (default .cache/demo) and, when given,
                   the local R2 bucket too (DIR/wrangler-state; default .wrangler/state)
  --json           also print a JSON summary as the last stdout line (once built, or once serving)
  --help           show this help`;

const OPTIONS = {
  data: { type: 'string' },
  products: { type: 'string' },
  epochs: { type: 'string' },
  port: { type: 'string' },
  fresh: { type: 'boolean' },
  'no-serve': { type: 'boolean' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** A bad flag: the message names it and its allowed values. */
export class DemoFlagError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DemoFlagError';
  }
}

function integer(value, name, min, max) {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DemoFlagError(`--${name} must be an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got '${value}'`);
  }
  return n;
}

/**
 * Parses the demo's flags; relative paths are resolved against `cwd` (the
 * directory `npm run demo` was started in).
 * @throws DemoFlagError naming the flag and its allowed values.
 */
export function parseDemoFlags(argv, cwd) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (err) {
    throw new DemoFlagError(err.message);
  }
  const v = parsed.values;
  if (v.data !== undefined && v.products !== undefined) {
    throw new DemoFlagError('--products sizes the synthetic catalogue, so it cannot be combined with --data');
  }
  if (v.data === '' || v.state === '') throw new DemoFlagError(`--${v.data === '' ? 'data' : 'state'} needs a path`);
  return Object.freeze({
    help: v.help === true,
    data: v.data === undefined ? undefined : resolve(cwd, v.data),
    products: integer(v.products, 'products', 100, 1_000_000) ?? DEFAULT_PRODUCTS,
    epochs: integer(v.epochs, 'epochs', 1, 1000) ?? DEFAULT_EPOCHS,
    port: integer(v.port, 'port', 1, 65_535),
    fresh: v.fresh === true,
    serve: v['no-serve'] !== true,
    state: v.state === undefined ? undefined : resolve(cwd, v.state),
    json: v.json === true,
  });
}
