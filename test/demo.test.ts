import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import { sha256Hex } from '../artifacts/src/manifest/sha256.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { readCurrent } from '../trainer/src/publish/versions.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { freePort } from './helpers/wrangler-dev.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DEMO = join(ROOT, 'infra/scripts/demo.mjs');
/** A catalogue small enough to build in seconds; the pipeline is the same at any size. */
const TINY = ['--products', '300', '--epochs', '2'];

interface StageRecord {
  name: string;
  status: string;
  seconds: number;
}
interface DemoSummary {
  ok: boolean;
  stages: StageRecord[];
  version: string;
  export: string;
  report: string;
  url?: string;
  urls?: { health: string; similar: string; demo: string };
  error?: { stage: string; code: string; message: string };
}
interface DemoRun {
  status: number;
  stdout: string;
  stderr: string;
  json: DemoSummary;
  seconds: number;
}

/** Runs `npm run demo`'s entry point to completion (the same file npm runs). */
function demo(args: string[]): Promise<DemoRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [DEMO, ...args, '--json'], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let json = {} as DemoSummary;
      try {
        json = JSON.parse(last) as DemoSummary;
      } catch {
        /* no summary: the test's expectations say what is missing */
      }
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, json, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const statuses = (run: DemoRun): Record<string, string> => Object.fromEntries(run.json.stages.map((s) => [s.name, s.status]));

/** Command lines of the live processes that mention `needle` (wrangler and workerd carry the port in theirs). */
function processesWith(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) found.push(`${pid} ${cmd}`);
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

describe('npm run demo', () => {
  const { dir } = fixtureFolder('demo');
  const state = join(dir, 'state');

  it('answers --help, and refuses a bad flag before installing anything, without a stack trace', async () => {
    const help = await demo(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--no-serve/);
    const bad = await demo(['--products', 'lots']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--products must be an integer from 100 to 1,000,000, got 'lots'/);
    expect(bad.stdout).not.toMatch(/install/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the stage that failed', async () => {
    const run = await demo(['--state', state, '--data', join(dir, 'absent'), '--no-serve']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/demo: stage 'data' failed: --data .*absent does not exist/);
    expect(run.json.error).toMatchObject({ stage: 'data', code: 'demo/no-data' });
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--no-serve builds and publishes; CURRENT names the export; a second run reuses every stage; --fresh rebuilds them', async () => {
    const first = await demo(['--state', state, ...TINY, '--no-serve']);
    expect(first.status, first.stderr).toBe(0);
    expect(statuses(first)).toMatchObject({ data: 'built', train: 'built', export: 'built', publish: 'built' });
    expect(first.stdout).toContain(first.json.report);

    const store = await openLocalR2Store({ bucket: 'graphrec-artifacts', persistTo: join(state, 'wrangler-state') });
    try {
      const current = await readCurrent({ store, keys: objectKeys('', 'graphsage'), model: 'graphsage' });
      expect(current?.version).toBe(first.json.version);
      expect(current?.manifestSha256).toBe(await sha256Hex(readFileSync(join(first.json.export, 'manifest.json'))));
    } finally {
      await store.close();
    }

    const second = await demo(['--state', state, ...TINY, '--no-serve']);
    expect(second.status, second.stderr).toBe(0);
    expect(statuses(second)).toEqual({ install: 'reused', data: 'reused', train: 'reused', export: 'reused', publish: 'reused' });
    expect(second.json.version).toBe(first.json.version);
    expect(second.stdout).toMatch(/\[3\/5\] train: reused/);
    expect(second.seconds).toBeLessThan(first.seconds / 2);

    const fresh = await demo(['--state', state, ...TINY, '--no-serve', '--fresh']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(statuses(fresh)).toMatchObject({ data: 'built', train: 'built', export: 'built', publish: 'built' });
    expect(fresh.stderr).not.toMatch(/resumed from epoch/);
    expect(fresh.json.version).not.toBe(first.json.version);
  }, 120_000);

  it('serves /v1/health and /similar, and Ctrl-C stops wrangler and every workerd', async () => {
    const port = await freePort();
    // Its own process group, signalled as a whole: what Ctrl-C in a terminal does.
    const child = spawn(process.execPath, [DEMO, '--state', state, ...TINY, '--port', String(port), '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const stop = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    };
    try {
      const summary = await new Promise<DemoSummary>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          // Complete lines only: the summary may arrive in pieces.
          const line = stdout.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as DemoSummary);
        });
        void exited.then((code) => reject(new Error(`demo exited (${code}) before serving:\n${stdout}\n${stderr}`)));
      });
      expect(summary.url).toBe(`http://127.0.0.1:${port}`);
      expect(stdout).toContain(`http://127.0.0.1:${port}/demo`);
      const health = (await (await fetch(summary.urls!.health)).json()) as { ok: boolean; version: string };
      expect(health).toMatchObject({ ok: true, version: summary.version });
      const similar = await fetch(summary.urls!.similar);
      expect(similar.status).toBe(200);
      expect(((await similar.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
      expect(processesWith(`entry=127.0.0.1:${port}`).length).toBeGreaterThan(0);
    } finally {
      stop('SIGINT');
      // Whatever failed above, nothing may outlive the test.
      setTimeout(() => stop('SIGKILL'), 15_000).unref();
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGINT: stopping wrangler dev…\nstopped\./);
    expect(processesWith(`entry=127.0.0.1:${port}`)).toEqual([]);
    expect(processesWith(`--port ${port} `)).toEqual([]);
  }, 120_000);
});
