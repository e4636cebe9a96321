import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { objectKeys } from '../../artifacts/src/manifest/keys.ts';
import { MANIFEST_KEY, parseManifest } from '../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../artifacts/src/manifest/sha256.ts';
import { openLocalR2Store } from '../../trainer/src/publish/local-r2-store.ts';
import { publishExport } from '../../trainer/src/publish/publish.ts';
import { readCurrent } from '../../trainer/src/publish/versions.ts';
import { LOCAL_BUCKET } from '../helpers/edge-fixture.ts';
import type { DevWorker } from '../helpers/wrangler-dev.ts';

/**
 * Publishes an export folder to the local R2 bucket in `persistTo`, unless
 * `CURRENT` there already names this export's version and manifest: checking
 * again reads back all of a large version (a minute at 1M items) and has
 * failed on miniflare's local R2 under that load.
 */
export async function publishLocal(exportDir: string, persistTo: string): Promise<{ version: string; published: boolean }> {
  const manifestBytes = await readFile(join(exportDir, MANIFEST_KEY));
  const manifest = parseManifest(manifestBytes.toString('utf8'));
  const store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo });
  try {
    const loc = { store, keys: objectKeys('', manifest.model.kind), model: manifest.model.kind };
    const current = await readCurrent(loc).catch(() => null);
    if (current?.version === manifest.version && current.manifestSha256 === (await sha256Hex(manifestBytes))) return { version: manifest.version, published: false };
    await publishExport(exportDir, store, { prefix: '' });
    return { version: manifest.version, published: true };
  } finally {
    await store.close();
  }
}

export interface Health {
  cache: { bytes: number; budgetBytes: number; entries: number; loads: number; hits: number; evictions: number };
  reads: { r2Reads: number; cacheApiHits: number; corrupt: number };
}

export async function health(worker: DevWorker): Promise<Health> {
  const r = await fetch(`${worker.url}/v1/health`);
  if (r.status !== 200) throw new Error(`health answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as Health;
}

function descendants(root: number): { pid: number; cmdline: string }[] {
  const procs: { pid: number; ppid: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      procs.push({ pid: Number(name), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) });
    } catch {
      // exited meanwhile
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (found.has(p.ppid) && !found.has(p.pid)) (found.add(p.pid), (grew = true));
  }
  return [...found].flatMap((pid) => {
    try {
      return [{ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') }];
    } catch {
      return [];
    }
  });
}

/**
 * The workerd process running the Worker under `wrangler dev`: of its two
 * workerd children (a proxy on the public port, and the user Worker), the one
 * started with `--inspector-addr`.
 */
export function workerdPid(worker: DevWorker): number {
  const workerds = descendants(worker.process.pid!).filter((p) => /\/workerd\s+serve\b/.test(p.cmdline));
  const user = workerds.find((p) => p.cmdline.includes('--inspector-addr'));
  if (!user) throw new Error(`no workerd with an inspector under wrangler pid ${worker.process.pid} (found ${workerds.length} workerd)`);
  return user.pid;
}

/** VmRSS and VmHWM (peak RSS) of a process, MiB. */
export function processMemory(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** V8 heap of the Worker isolate (CDP `Runtime.getHeapUsage`, no forced GC, so garbage is included). */
export interface IsolateHeap {
  usedMiB: number;
  totalMiB: number;
  /** ArrayBuffer backing stores (shard index and codes bytes live here). */
  backingMiB: number;
}

type WebSocketCtor = new (url: string, init?: { headers?: Record<string, string> }) => WebSocket;

/**
 * The isolate's heap through wrangler's inspector proxy. Node 20 has no
 * global WebSocket without a flag, so undici's (a dependency of miniflare) is
 * used; undefined when neither is available or the inspector does not answer.
 */
export async function isolateHeap(worker: DevWorker): Promise<IsolateHeap | undefined> {
  const args = worker.process.spawnargs;
  const port = args[args.indexOf('--inspector-port') + 1];
  const Ws = ((globalThis as { WebSocket?: unknown }).WebSocket ?? (await import('undici').catch(() => undefined))?.WebSocket) as WebSocketCtor | undefined;
  if (!Ws || !port) return undefined;
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    // The inspector proxy wants an allowed Origin (localhost) from clients sending a User-Agent.
    const ws = new Ws(targets[0]!.webSocketDebuggerUrl, { headers: { origin: 'http://localhost' } });
    try {
      const reply = await new Promise<{ usedSize: number; totalSize: number; backingStorageSize?: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('inspector timeout')), 5_000);
        ws.onerror = () => (clearTimeout(timer), reject(new Error('inspector websocket error')));
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { id?: number; result?: never };
          if (m.id === 1 && m.result) (clearTimeout(timer), resolve(m.result));
        };
      });
      const mib = (b: number | undefined): number => (b ?? NaN) / 2 ** 20;
      return { usedMiB: mib(reply.usedSize), totalMiB: mib(reply.totalSize), backingMiB: mib(reply.backingStorageSize) };
    } finally {
      ws.close();
    }
  } catch {
    return undefined;
  }
}
