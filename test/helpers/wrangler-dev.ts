import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DevWorker {
  url: string;
  process: ChildProcess;
  /** Everything wrangler printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for `/v1/health`; default 60 s. */
  timeoutMs?: number;
  /** Pass `--test-scheduled`: `GET /__scheduled?cron=…` then runs the Worker's `scheduled()` handler. */
  testScheduled?: boolean;
  /** Another entry module (path from the repository root) instead of the config's `main`, e.g. the fault-injecting test entry. */
  main?: string;
}

/**
 * Starts the real Worker under `wrangler dev --local` (workerd) on a free
 * 127.0.0.1 port, over the local R2 bucket persisted in `persistTo`, with
 * `vars` overriding `infra/wrangler.jsonc`; resolves once it is ready.
 * @param options a timeout in ms (the older form), or {@link StartOptions}.
 */
export async function startWorker(persistTo: string, vars: Record<string, string> = {}, options: number | StartOptions = {}): Promise<DevWorker> {
  const { timeoutMs = 60_000, testScheduled = false, main } = typeof options === 'number' ? { timeoutMs: options } : options;
  const port = await freePort();
  const inspector = await freePort();
  const args = [
    join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'dev',
    ...(main ? [join(ROOT, main)] : []),
    '--config', join(ROOT, 'infra/wrangler.jsonc'),
    '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
    '--persist-to', persistTo, '--show-interactive-dev-session=false', '--log-level', 'warn',
    ...(testScheduled ? ['--test-scheduled'] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  // Its own process group, so stopping it also stops the workerd processes wrangler starts.
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  // A test run that dies without afterAll must not leave workerd behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      process.off('exit', onExit);
      const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      timer.unref();
      if (child.exitCode !== null) {
        killGroup('SIGKILL');
        return resolve();
      }
      child.once('exit', () => {
        clearTimeout(timer);
        // wrangler may exit before its workerd children do.
        killGroup('SIGKILL');
        resolve();
      });
      killGroup('SIGTERM');
    });
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode}:\n${output}`);
    try {
      const r = await fetch(`${url}/v1/health`);
      await r.arrayBuffer();
      return { url, process: child, output: () => output, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${output}`);
}
