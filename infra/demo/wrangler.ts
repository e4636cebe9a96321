import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GraphrecError } from '../../artifacts/src/errors.ts';
import { ROOT } from './layout.ts';
import { freePort } from './port.ts';

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once wrangler exits (by itself or through {@link stop}). */
  exited: Promise<number | null>;
  /** The last lines wrangler printed, for error messages. */
  tail(lines?: number): string;
  /** From now on, print wrangler's lines (request logs) through `sink` instead of only keeping them. */
  echo(sink: (line: string) => void): void;
  /** Stops wrangler and every workerd it started; resolves when they are gone. */
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev --local` on 127.0.0.1:`port` over the local R2 bucket in
 * `persistTo`. It runs in its own process group (detached): wrangler's workerd
 * children outlive a plain kill of wrangler, so stopping signals the whole group.
 * The persist folder is always passed: without it wrangler would use
 * `.wrangler/state` beside the config file (infra/), not the one publish wrote.
 */
export async function startWrangler(options: { port: number; persistTo: string }): Promise<WranglerDev> {
  const { port } = options;
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`].join(',');
  const args = [
    join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'dev',
    '--config', join(ROOT, 'infra/wrangler.jsonc'),
    '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
    '--persist-to', options.persistTo, '--show-interactive-dev-session=false',
    // The storefront is served from this origin, whatever port it got.
    '--var', `ALLOWED_ORIGINS:${origins}`,
  ];
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    // Nothing here needs request.cf, and its download fails offline with a stack trace in the log.
    CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? 'false',
  };
  // cwd is the root: the custom build in wrangler.jsonc runs a root-relative script.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  // Whatever ends this process (an uncaught error included) must not leave workerd behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);

  const lines: string[] = [];
  let sink: ((line: string) => void) | undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      sink?.(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      lines.push(String(err));
      resolve(null);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('exit', onExit);
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // wrangler may exit before its workerd children do.
      killGroup('SIGKILL');
    })());
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    tail: (n = 30) => lines.slice(-n).join('\n'),
    echo: (s) => (sink = s),
    stop,
  };
}

/**
 * Waits until `/v1/health` answers 200 with `version`, printing a line every
 * few seconds so a slow first start never looks hung.
 * @throws GraphrecError `demo/wrangler-exited` or `demo/not-ready` with wrangler's last lines.
 */
export async function waitForVersion(dev: WranglerDev, version: string, say: (line: string) => void, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  let exitCode: number | null | undefined;
  void dev.exited.then((code) => (exitCode = code));
  let lastSaid = started;
  let last = 'no answer yet';
  while (Date.now() - started < timeoutMs) {
    if (exitCode !== undefined) throw new GraphrecError('demo/wrangler-exited', `wrangler dev exited (code ${exitCode}) before answering; its last lines:\n${dev.tail()}`);
    try {
      const response = await fetch(`${dev.url}/v1/health`, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as { version?: string | null };
      if (response.ok && body.version === version) return;
      last = `/v1/health answered ${response.status} with version ${body.version ?? 'none'}`;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - lastSaid >= 5_000) {
      lastSaid = Date.now();
      say(`waiting for ${dev.url}/v1/health to serve ${version} (${Math.round((Date.now() - started) / 1000)}s; ${last})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new GraphrecError('demo/not-ready', `${dev.url}/v1/health did not serve ${version} within ${timeoutMs / 1000}s (${last}); wrangler's last lines:\n${dev.tail()}`);
}
