import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { createProgress, type Progress } from '../util/progress.ts';

/** What every command gets: its parsed arguments and the shared output channels. */
export interface CommandContext {
  args: string[];
  json: boolean;
  progress: Progress;
  /** Human-readable output (stdout, suppressed with `--json`). */
  print(line: string): void;
}

/** A CLI command: name, one-line summary, usage text, and its run function returning the JSON result. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(ctx: CommandContext): Promise<Record<string, unknown>>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly: unknown flags are errors that name the
 * allowed ones, so a typo never silently falls back to a default.
 * @throws GraphrecError `cli/bad-arguments`.
 */
export function parseFlags<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options: { ...options, json: { type: 'boolean' }, quiet: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new GraphrecError('cli/bad-arguments', `${(err as Error).message}\nusage: ${usage}`);
  }
}

/**
 * Reads a numeric flag.
 * @throws GraphrecError `cli/bad-arguments` when it is not a number in range.
 */
export function numberFlag(value: string | boolean | undefined, name: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (value === undefined || typeof value === 'boolean') return fallback;
  const n = Number(value.replace(/_/g, ''));
  const ok = Number.isFinite(n) && (range.integer !== true || Number.isInteger(n)) && (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
  if (!ok) {
    const bounds = [range.min !== undefined ? `≥ ${range.min}` : '', range.max !== undefined ? `≤ ${range.max}` : ''].filter(Boolean).join(' and ');
    throw new GraphrecError('cli/bad-arguments', `--${name} must be ${range.integer ? 'an integer' : 'a number'}${bounds ? ` ${bounds}` : ''}, got '${value}'`);
  }
  return n;
}

export function createContext(args: string[]): CommandContext {
  const json = args.includes('--json');
  const quiet = args.includes('--quiet');
  return {
    args,
    json,
    progress: createProgress({ quiet }),
    print: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
  };
}
