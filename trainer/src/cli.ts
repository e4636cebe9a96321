#!/usr/bin/env node
/**
 * The graphrec command line: `npm run -s graphrec -- <command> [flags]`.
 * Every command accepts `--json`, and then prints exactly one JSON object as
 * the last line of stdout (progress goes to stderr). Errors exit non-zero;
 * with `--json` they are a JSON object `{ ok: false, error: { code, message } }`.
 */
import { isGraphrecError } from '../../artifacts/src/errors.ts';
import { createContext, type Command } from './cli/command.ts';
import { ingestCommand } from './cli/ingest-command.ts';
import { synthCommand } from './cli/synth-command.ts';
import { trainCommand } from './cli/train-command.ts';
import { evalCommand } from './cli/eval-command.ts';
import { publishCommand } from './cli/publish-command.ts';
import { pruneCommand, rollbackCommand, versionsCommand } from './cli/versions-command.ts';
import { exportCommand } from './cli/export-command.ts';
import { retrainCommand } from './cli/retrain-command.ts';

const commands: Command[] = [ingestCommand, synthCommand, trainCommand, evalCommand, exportCommand, publishCommand, versionsCommand, rollbackCommand, pruneCommand, retrainCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: graphrec <command> [flags]   (every command accepts --json and --quiet)',
    '',
    // A command with several usage lines (train: one per model) gets each on its own indented line.
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n${c.usage.split('\n').map((u) => `  ${' '.repeat(width)}  ${u.trim()}`).join('\n')}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${help()}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  const ctx = createContext(args);
  if (!command) {
    const message = `unknown command '${name}'; commands: ${commands.map((c) => c.name).join(', ')}`;
    if (ctx.json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'cli/unknown-command', message } })}\n`);
    else process.stderr.write(`graphrec: ${message}\n`);
    return 2;
  }
  try {
    const result = await command.run(ctx);
    if (ctx.json) process.stdout.write(`${JSON.stringify({ ok: true, command: command.name, ...result })}\n`);
    return 0;
  } catch (err) {
    const code = isGraphrecError(err) ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    if (ctx.json) process.stdout.write(`${JSON.stringify({ ok: false, command: command.name, error: { code, message } })}\n`);
    process.stderr.write(`graphrec ${command.name}: ${message}\n`);
    if (!isGraphrecError(err) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return isGraphrecError(err) ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
