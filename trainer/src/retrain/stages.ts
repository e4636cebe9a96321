import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetrainStage } from '../../../artifacts/src/retrain/records.ts';

/** The marker a finished stage leaves in its folder, written last. */
export const DONE_FILE = 'done.json';

/** What running (or reusing) one stage gave. */
export interface StageOutcome<T> {
  value: T;
  seconds: number;
  /** Taken from an earlier run's finished stage instead of computed. */
  reused: boolean;
}

/**
 * Stage outputs of one data fingerprint and one configuration, under
 * `<workDir>/<fingerprint[0..16]>-<configHash[0..12]>/<stage>/`. A stage is
 * finished when its folder holds {@link DONE_FILE} (its JSON result, written
 * to a temporary name and renamed, so it is never half there); a re-run on the
 * same fingerprint and configuration returns that result instead of running it.
 */
export class StageFolder {
  readonly root: string;

  constructor(workDir: string, fingerprint: string, configHash: string) {
    this.root = join(workDir, `${fingerprint.slice(0, 16)}-${configHash.slice(0, 12)}`);
  }

  dir(stage: RetrainStage): string {
    return join(this.root, stage);
  }

  /**
   * Runs a resumable stage, or reuses its finished result.
   * @param keep Leave an unfinished folder as it is (training resumes its checkpoints);
   *   otherwise it is emptied first, so a half-written export is never mixed with a new one.
   */
  async run<T>(stage: RetrainStage, fn: (dir: string) => Promise<T>, options: { keep?: boolean } = {}): Promise<StageOutcome<T>> {
    const started = performance.now();
    const dir = this.dir(stage);
    const done = join(dir, DONE_FILE);
    if (existsSync(done)) {
      const value = JSON.parse(await readFile(done, 'utf8')) as T;
      return { value, seconds: (performance.now() - started) / 1000, reused: true };
    }
    if (!options.keep) await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const value = await fn(dir);
    await writeFile(`${done}.tmp`, JSON.stringify(value, null, 2));
    await rename(`${done}.tmp`, done);
    return { value, seconds: (performance.now() - started) / 1000, reused: false };
  }
}
