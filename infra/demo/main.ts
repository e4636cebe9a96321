/**
 * @module
 * The pipeline of `npm run demo` (infra/scripts/demo.mjs installs what is
 * missing, then runs this through tsx): data → train → export → publish →
 * serve, each stage reused when its output is complete and current.
 *
 * @example
 * node --import tsx infra/demo/main.ts --products 2000 --no-serve
 */
import { isGraphrecError } from '../../artifacts/src/errors.ts';
import { createProgress } from '../../trainer/src/util/progress.ts';
import { DEFAULT_PORT, DEMO_USAGE, DemoFlagError, parseDemoFlags, type DemoFlags } from '../scripts/demo-flags.mjs';
import { dataStage } from './data-stage.ts';
import { exportStage } from './export-stage.ts';
import { demoLayout, shown } from './layout.ts';
import { choosePort } from './port.ts';
import { publishStage } from './publish-stage.ts';
import { serveStage, type DemoServer } from './serve-stage.ts';
import { Shutdown } from './shutdown.ts';
import { describeFailure, StageError, StageRunner, type StageRecord } from './stage.ts';
import { summaryJson, summaryLines, type DemoOutcome } from './summary.ts';
import { trainStage } from './train-stage.ts';

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const shutdown = new Shutdown();
let runner: StageRunner | undefined;
let serving: DemoServer | undefined;
let stopping = false;

/** The install stage's record, handed over by demo.mjs (absent when this file is run directly). */
function installRecord(): StageRecord | undefined {
  const raw = process.env.GRAPHREC_DEMO_INSTALL;
  return raw ? { name: 'install', ...(JSON.parse(raw) as Omit<StageRecord, 'name'>) } : undefined;
}

/** Ctrl-C (or a termination signal): stop what is running, say where it stopped, and leave. */
async function interrupted(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  const during = runner?.current;
  print(serving ? `\n${signal}: stopping wrangler dev…` : `\n${signal}: interrupted${during ? ` during stage '${during}'` : ''}; run the demo again to continue from there`);
  await shutdown.run();
  if (serving) print('stopped.');
  process.exit(serving ? 0 : 130);
}

async function build(flags: DemoFlags): Promise<DemoOutcome> {
  const layout = demoLayout(flags);
  const install = installRecord();
  const stages = new StageRunner((install ? 1 : 0) + (flags.serve ? 5 : 4), flags.fresh, print, install);
  runner = stages;
  print(`state: ${shown(layout.state)}${flags.fresh ? ' (--fresh: rebuilding every stage)' : ''}`);
  // A port given explicitly is checked before a minute of training, not after.
  if (flags.serve && flags.port !== undefined) await choosePort(flags.port, DEFAULT_PORT).catch((err: unknown) => Promise.reject(new StageError('serve', err)));
  const progress = createProgress();
  const data = await stages.run(dataStage(flags, layout, progress));
  const run = await stages.run(trainStage(data, flags, layout, progress));
  const exported = await stages.run(exportStage(run, layout, progress));
  await stages.run(publishStage(exported, layout, progress, shutdown));
  if (flags.serve) serving = await stages.run(serveStage(flags, layout, exported, shutdown, (line) => stages.say(line)));
  const started = Number(process.env.GRAPHREC_DEMO_STARTED ?? performance.timeOrigin);
  return { stages: stages.records, wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)), layout, run, exported, server: serving };
}

/** Serves until wrangler exits: by Ctrl-C (handled in {@link interrupted}) or by itself, which is a failure. */
async function serve(server: DemoServer): Promise<number> {
  server.dev.echo((line) => process.stderr.write(`[wrangler] ${line}\n`));
  const code = await server.dev.exited;
  if (stopping) return new Promise(() => {}); // interrupted() exits once the group is gone
  process.stderr.write(`demo: wrangler dev exited by itself (code ${code}); its last lines:\n${server.dev.tail()}\n`);
  await shutdown.run();
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let flags: DemoFlags;
  try {
    flags = parseDemoFlags(argv, process.env.GRAPHREC_DEMO_CWD ?? process.cwd());
  } catch (err) {
    if (!(err instanceof DemoFlagError)) throw err;
    process.stderr.write(`demo: ${err.message} (npm run demo -- --help lists the flags)\n`);
    return 2;
  }
  if (flags.help) {
    print(DEMO_USAGE);
    return 0;
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void interrupted(signal));
  try {
    const outcome = await build(flags);
    for (const line of summaryLines(outcome)) print(line);
    if (flags.json) print(summaryJson(outcome));
    return outcome.server ? await serve(outcome.server) : 0;
  } catch (err) {
    const stage = err instanceof StageError ? err.stage : runner?.current;
    const cause = err instanceof StageError ? err.cause : err;
    process.stderr.write(`demo: ${describeFailure(err)}\n`);
    // Stacks are for whoever debugs the demo, not for its users.
    if (cause instanceof Error && !isGraphrecError(cause)) process.stderr.write(process.env.GRAPHREC_DEBUG ? `${cause.stack}\n` : '(GRAPHREC_DEBUG=1 shows the stack trace)\n');
    if (flags.json) print(JSON.stringify({ ok: false, command: 'demo', error: { stage, code: isGraphrecError(cause) ? cause.code : 'internal', message: cause instanceof Error ? cause.message : String(cause) } }));
    await shutdown.run();
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
