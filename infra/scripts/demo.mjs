#!/usr/bin/env node
// `npm run demo`: the one command of a fresh clone. This file stays plain Node
// with no dependencies, because node_modules may not exist yet: it checks the
// flags, runs `npm ci` when node_modules is missing or differs from
// package-lock.json, then hands over to the TypeScript pipeline (infra/demo/main.ts,
// through tsx), passing signals on so Ctrl-C stops the server it starts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_USAGE, DemoFlagError, parseDemoFlags } from './demo-flags.mjs';

const STARTED = Date.now();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'infra/demo/main.ts');
// npm runs scripts in the package root and records where it was started.
const USER_CWD = process.env.INIT_CWD ?? process.cwd();

let child;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Ctrl-C reaches the child directly too; forwarding covers a signal sent to this process alone.
  process.on(signal, () => {
    if (child && child.exitCode === null) child.kill(signal);
    else process.exit(128 + constants.signals[signal]);
  });
}

function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env });
    child.on('error', (err) => resolve({ code: 127, error: err.message }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 128 + (constants.signals[signal] ?? 0) }));
  });
}

const packageName = (path) => path.split('node_modules/').at(-1);

/** Why node_modules does not match package-lock.json, or undefined when it does. */
function installProblem() {
  if (!existsSync(join(ROOT, 'node_modules'))) return 'node_modules is missing';
  let installed;
  try {
    // npm's own record of what it installed, rewritten by every npm ci / npm install.
    installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/.package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return "node_modules/.package-lock.json (npm's record of the installed packages) is missing";
  }
  const wanted = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '' || entry.link) continue;
    const have = installed[path];
    // Optional packages (other platforms' binaries) are legitimately absent.
    if (!have) {
      if (entry.optional || entry.devOptional) continue;
      return `${packageName(path)} is not installed`;
    }
    if (have.version !== entry.version) return `${packageName(path)} is ${have.version}, package-lock.json wants ${entry.version}`;
    if (!existsSync(join(ROOT, path, 'package.json'))) return `${packageName(path)} is recorded as installed but its folder is gone`;
  }
  return undefined;
}

/** The install stage: `npm ci` when needed, with its output shown. Returns the stage record the pipeline reports. */
async function install(total) {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
  const problem = installProblem();
  if (!problem) {
    const record = { status: 'reused', seconds: seconds(), detail: 'node_modules matches package-lock.json' };
    console.log(`[1/${total}] install: reused (${record.seconds.toFixed(1)}s) — ${record.detail}`);
    return record;
  }
  console.log(`[1/${total}] install: ${problem}; running npm ci`);
  // The npm that started this script, when there is one.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath, 'ci']] : ['npm', ['ci']];
  const result = await run(npm[0], npm[1]);
  if (result.code !== 0) {
    console.error(`demo: stage 'install' failed: npm ci ${result.error ? `could not start (${result.error})` : `exited with code ${result.code} (its output is above)`}`);
    process.exit(1);
  }
  const record = { status: 'built', seconds: seconds(), detail: `npm ci (${problem})` };
  console.log(`[1/${total}] install: built in ${record.seconds.toFixed(1)}s — npm ci`);
  return record;
}

async function main() {
  const argv = process.argv.slice(2);
  let flags;
  try {
    flags = parseDemoFlags(argv, USER_CWD);
  } catch (err) {
    if (!(err instanceof DemoFlagError)) throw err;
    console.error(`demo: ${err.message} (npm run demo -- --help lists the flags)`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(DEMO_USAGE);
    return;
  }
  console.log('graphrec demo (npm run demo -- --help lists the flags)');
  const installed = await install(flags.serve ? 6 : 5);
  const env = { ...process.env, GRAPHREC_DEMO_CWD: USER_CWD, GRAPHREC_DEMO_INSTALL: JSON.stringify(installed), GRAPHREC_DEMO_STARTED: String(STARTED) };
  const result = await run(process.execPath, ['--import', 'tsx', MAIN, ...argv], env);
  if (result.error) console.error(`demo: could not start the pipeline: ${result.error}`);
  process.exit(result.code);
}

await main();
