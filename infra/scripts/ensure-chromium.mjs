#!/usr/bin/env node
// Makes sure a Chromium is there for the browser tests (playwright-core drives it;
// it never downloads a browser of its own). Debian's `chromium` package is the one
// the project uses: when /usr/bin/chromium is missing this installs it with apt-get
// (through `sudo -n` when not root), and otherwise says how to get one.
// GRAPHREC_CHROMIUM=/path/to/chrome points at another Chromium or Chrome instead.
//
//   node infra/scripts/ensure-chromium.mjs      prints the path, exits 1 with instructions if none
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(prefix, args, log) {
  const [cmd, ...rest] = [...prefix, ...args];
  log(`ensure-chromium: ${[cmd, ...rest].join(' ')}`);
  const r = spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  return r.status === 0;
}

function instructions(reason) {
  return [
    `Chromium is not available (${reason}), so the browser tests cannot run.`,
    'Install it, then run the tests again:',
    '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium',
    '  elsewhere:      install Chromium or Chrome and set GRAPHREC_CHROMIUM=/path/to/its/binary',
  ].join('\n');
}

/**
 * The path of a usable Chromium, installing Debian's package when it is missing.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 * @returns {{ path: string | null, message: string }} path null (and message the instructions) when none could be had.
 */
export function ensureChromium({ install = true, log = (line) => console.error(line) } = {}) {
  const override = process.env.GRAPHREC_CHROMIUM;
  if (override) {
    return executable(override) ? { path: override, message: `using GRAPHREC_CHROMIUM=${override}` } : { path: null, message: instructions(`GRAPHREC_CHROMIUM=${override} is not an executable file`) };
  }
  if (executable(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, message: `using ${DEBIAN_CHROMIUM}` };
  if (!install) return { path: null, message: instructions(`${DEBIAN_CHROMIUM} is missing`) };
  if (process.platform !== 'linux' || !has('apt-get')) return { path: null, message: instructions(`${DEBIAN_CHROMIUM} is missing and there is no apt-get here`) };
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  // `sudo -n` never prompts: a test run must fail fast rather than hang on a password.
  const prefix = root ? [] : has('sudo') ? ['sudo', '-n'] : null;
  if (!prefix) return { path: null, message: instructions(`${DEBIAN_CHROMIUM} is missing; installing it needs root and there is no sudo`) };
  log(`ensure-chromium: ${DEBIAN_CHROMIUM} is missing; installing Debian's chromium package (a few minutes, once)`);
  // A fresh machine's package lists may be empty or stale: refresh them once if the first try fails.
  const installed = run(prefix, ['apt-get', 'install', '-y', 'chromium'], log) || (run(prefix, ['apt-get', 'update'], log) && run(prefix, ['apt-get', 'install', '-y', 'chromium'], log));
  if (installed && executable(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, message: `installed ${DEBIAN_CHROMIUM}` };
  return { path: null, message: instructions(root ? 'apt-get install chromium failed' : 'apt-get install chromium failed (sudo -n needs passwordless sudo)') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { path, message } = ensureChromium();
  if (path) console.log(path);
  else {
    console.error(message);
    process.exit(1);
  }
}
