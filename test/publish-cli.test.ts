import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestObjects } from '../artifacts/src/manifest/schema.ts';
import { versionId, writeSyntheticExport } from './helpers/synthetic-export.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { runGraphrec } from './helpers/run-cli.ts';
import { useS3Server } from './helpers/s3-server.ts';

const s3 = useS3Server();
const { dir: root } = fixtureFolder('publish-cli');

describe('graphrec publish / versions / rollback (CLI, s3rver)', () => {
  it('publishes with --json, lists versions and rolls back', async () => {
    const v1 = writeSyntheticExport(root, { version: versionId(1) });
    const v2 = writeSyntheticExport(root, { version: versionId(2) });
    const to = `s3://${s3.bucket}/cli`;
    const first = await runGraphrec(['publish', v1.dir, '--to', to, '--multipart-threshold', '64K', '--keep', '3', '--json'], s3.env, { npm: true });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const objects = manifestObjects(v1.manifest).length + 1;
    expect(first.json).toMatchObject({ ok: true, command: 'publish', version: v1.manifest.version, uploaded: objects, skipped: 0, current: { version: v1.manifest.version }, deleted: [] });
    expect(first.stderr).toMatch(/publish .* done in/);

    const second = await runGraphrec(['publish', v2.dir, '--to', to, '--keep', '2', '--quiet'], s3.env);
    expect(second.stdout).toMatch(new RegExp(`CURRENT → ${v2.manifest.version} \\(was ${v1.manifest.version}\\)`));
    const listed = await runGraphrec(['versions', '--to', to, '--json'], s3.env);
    expect(listed.json).toMatchObject({
      ok: true,
      model: 'graphsage',
      current: { version: v2.manifest.version },
      versions: [
        { version: v1.manifest.version, objects, complete: true, current: false },
        { version: v2.manifest.version, objects, complete: true, current: true },
      ],
    });
    const back = await runGraphrec(['rollback', v1.manifest.version, '--to', to, '--json'], s3.env);
    expect(back.json).toMatchObject({ ok: true, command: 'rollback', version: v1.manifest.version, previous: v2.manifest.version });
  });

  it('reports errors as JSON with a code and exit status 2', async () => {
    const ex = writeSyntheticExport(root, { version: versionId(3) });
    writeFileSync(join(ex.dir, 'popular.json'), '{"items":[]} ');
    const [corrupt, unknown, noKeys] = await Promise.all([
      runGraphrec(['publish', ex.dir, '--to', `s3://${s3.bucket}/errors`, '--json'], s3.env, { npm: true }),
      runGraphrec(['rollback', versionId(4), '--to', `s3://${s3.bucket}/errors`, '--json'], s3.env),
      runGraphrec(['versions', '--to', `s3://${s3.bucket}`, '--json'], { ...s3.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }),
    ]);
    expect(corrupt.status).toBe(2);
    expect(corrupt.json).toEqual({ ok: false, command: 'publish', error: { code: 'publish/corrupt-export', message: expect.stringMatching(/nothing was uploaded: .*popular\.json has 13 bytes, the manifest says \d+/) } });
    expect(unknown.json).toMatchObject({ ok: false, error: { code: 'publish/unknown-version', message: expect.stringMatching(/stored versions: none/) } });
    expect(noKeys.status).toBe(2);
    expect(noKeys.json).toMatchObject({ ok: false, error: { code: 'publish/no-credentials', message: expect.stringMatching(/AWS_ACCESS_KEY_ID/) } });
  });
});
