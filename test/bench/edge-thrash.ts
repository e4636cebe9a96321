/**
 * `node --import tsx test/bench/edge-thrash.ts EXPORT_DIR PERSIST_DIR [SHARD_CACHE_MB]`: 3,200
 * concurrent `similar` requests (8 connections × 400) over a published export with a cache too small for
 * their working set, counting answers by status. It reproduced workerd cancelling requests that
 * waited on another request's in-flight load (42–77 × 500 at 1M items, 48 MB) before the LRU's
 * waiters polled on their own timers; it prints one JSON line.
 */
import { openNodeEdge } from './edge-compute.ts';
import { chooseWorkload } from './edge-workload.ts';
import { startWorker } from '../helpers/wrangler-dev.ts';

const [dir, persist, budget = '48'] = process.argv.slice(2);
if (!dir || !persist) throw new Error('usage: edge-thrash.ts EXPORT_DIR PERSIST_DIR [SHARD_CACHE_MB]');
const workload = await chooseWorkload(dir, await openNodeEdge(dir), { similar: 16, recommend: 1, embed: 1 });
const worker = await startWorker(persist, { SHARD_CACHE_MB: budget, USE_CACHE_API: 'false' });
try {
  const statuses: Record<string, number> = {};
  await Promise.all(Array.from({ length: 8 }, async (_, c) => {
    for (let i = 0; i < 400; i++) {
      const r = await fetch(worker.url + workload.similar[(i + c) % workload.similar.length]!.path);
      await r.arrayBuffer();
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }));
  console.log(JSON.stringify({ budgetMB: Number(budget), statuses }));
} finally {
  await worker.stop();
}
