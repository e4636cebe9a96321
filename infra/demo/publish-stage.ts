import { objectKeys } from '../../artifacts/src/manifest/keys.ts';
import type { ObjectStore } from '../../trainer/src/publish/object-store.ts';
import { publishExport } from '../../trainer/src/publish/publish.ts';
import { describeTarget, openTarget, parseTarget } from '../../trainer/src/publish/target.ts';
import { readCurrent } from '../../trainer/src/publish/versions.ts';
import type { Progress } from '../../trainer/src/util/progress.ts';
import type { DemoExport } from './export-stage.ts';
import { shown, type DemoLayout } from './layout.ts';
import type { Shutdown } from './shutdown.ts';
import type { Stage } from './stage.ts';

/**
 * The `publish` stage: the export into the local R2 bucket that `wrangler dev`
 * serves (`graphrec publish DIR --to local`, with the demo's persist folder).
 * Current when the bucket's `CURRENT` names this version and its manifest's sha256.
 */
export function publishStage(exported: DemoExport, layout: DemoLayout, progress: Progress, shutdown: Shutdown): Stage<string> {
  const target = parseTarget('local', { persistTo: layout.persistTo });
  const where = `${describeTarget(target)} (${shown(layout.persistTo)})`;
  const { version } = exported.manifest;
  const store = lazyStore(() => openTarget(target), shutdown);
  return {
    name: 'publish',
    intro: `publishing ${version} to ${where}`,
    async check() {
      const { kind } = exported.manifest.model;
      const current = await readCurrent({ store: await store.open(), keys: objectKeys(target.prefix, kind), model: kind }).catch(async (err: unknown) => {
        await store.close();
        throw err;
      });
      if (current?.version === version && current.manifestSha256 === exported.manifestSha256) {
        await store.close();
        return { reusable: true, value: version, detail: `${where}: CURRENT already names ${version}` };
      }
      // The store stays open for build(): opening miniflare costs seconds.
      return { reusable: false, why: current ? `CURRENT names ${current.version}` : 'the bucket has no CURRENT yet' };
    },
    async build() {
      const result = await publishExport(exported.dir, await store.open(), { prefix: target.prefix, progress }).finally(() => store.close());
      const uploaded = result.alreadyPublished ? 'every object was already there' : `${result.uploaded} object(s) uploaded, ${result.skipped} already there`;
      const pruned = result.deleted.length > 0 ? `; ${result.deleted.length} old version(s) pruned` : '';
      const was = result.previous && result.previous !== version ? ` (was ${result.previous})` : '';
      if (result.pruneError) process.stderr.write(`demo: warning: old versions were not pruned: ${result.pruneError}\n`);
      return { value: version, detail: `${uploaded}; CURRENT → ${result.current.version}${was}${pruned}` };
    },
  };
}

/** One store opened on first use and kept until closed, closed by `shutdown` if the demo is interrupted meanwhile. */
function lazyStore(openStore: () => Promise<ObjectStore>, shutdown: Shutdown): { open(): Promise<ObjectStore>; close(): Promise<void> } {
  let opened: { store: Promise<ObjectStore>; release: () => void } | undefined;
  return {
    open() {
      if (!opened) {
        const store = openStore();
        opened = { store, release: shutdown.add(async () => (await store).close()) };
      }
      return opened.store;
    },
    async close() {
      const o = opened;
      opened = undefined;
      if (!o) return;
      o.release();
      await (await o.store).close();
    },
  };
}
