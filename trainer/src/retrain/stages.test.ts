import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { StageFolder } from './stages.ts';

const { dir } = fixtureFolder('retrain-stages');

describe('StageFolder', () => {
  it('reuses a finished stage of the same fingerprint and config, and reruns an unfinished one from scratch', async () => {
    const folder = new StageFolder(dir, 'a'.repeat(64), 'b'.repeat(64));
    let calls = 0;
    const first = await folder.run('train', async (d) => ({ calls: ++calls, dir: d }));
    expect(first).toMatchObject({ reused: false, value: { calls: 1 } });
    expect(await folder.run('train', async () => ({ calls: ++calls, dir: '' }))).toMatchObject({ reused: true, value: { calls: 1 } });
    expect(await new StageFolder(dir, 'c'.repeat(64), 'b'.repeat(64)).run('train', async () => ({ calls: ++calls }))).toMatchObject({ reused: false, value: { calls: 2 } });

    // A crashed export leaves files but no marker: the rerun starts from an empty folder.
    await expect(folder.run('export', async (d) => {
      writeFileSync(join(d, 'half-written'), 'x');
      throw new Error('crash');
    })).rejects.toThrow('crash');
    const again = await folder.run('export', async (d) => existsSync(join(d, 'half-written')));
    expect(again).toMatchObject({ reused: false, value: false });
    // Training keeps its folder (its checkpoints) when asked to.
    await expect(folder.run('evaluate', async (d) => {
      writeFileSync(join(d, 'checkpoint'), 'x');
      throw new Error('crash');
    })).rejects.toThrow('crash');
    expect((await folder.run('evaluate', async (d) => existsSync(join(d, 'checkpoint')), { keep: true })).value).toBe(true);
  });
});
