import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseRetrainConfig } from '../trainer/src/retrain/config.ts';

/** The deployment kit agrees with itself: the cron's webhook body, the workflow's inputs, the image's config. */
const ROOT = new URL('..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('infra/', () => {
  const { config: wrangler, error } = ts.parseConfigFileTextToJson('wrangler.jsonc', read('infra/wrangler.jsonc'));

  it('wrangler.jsonc has the daily retrain cron and a workflow_dispatch body naming only the inputs retrain.yml declares', () => {
    expect(error).toBeUndefined();
    expect(wrangler.triggers).toEqual({ crons: ['0 3 * * *'] });
    const body = JSON.parse(wrangler.vars.RETRAIN_WEBHOOK_BODY);
    expect(body).toEqual({ ref: 'main', inputs: { model: '{{model}}', reason: '{{reason}}' } });
    // GitHub refuses a dispatch (422) whose inputs the workflow does not declare.
    const workflow = read('.github/workflows/retrain.yml');
    const inputs = /workflow_dispatch:\n\s+inputs:\n((?:\s{6}.*\n)+)/.exec(workflow)?.[1] ?? '';
    const declared = [...inputs.matchAll(/^ {6}(\w+):$/gm)].map((m) => m[1]);
    expect(declared).toEqual(Object.keys(body.inputs));
    expect(wrangler.vars).not.toHaveProperty('RETRAIN_WEBHOOK_TOKEN');
  });

  it('retrain.example.json is a valid graphrec retrain config, reading /data and caching stages in the image volume', () => {
    const config = parseRetrainConfig(JSON.parse(read('infra/retrain.example.json')), '/config');
    expect(config).toMatchObject({ model: 'graphsage', data: { path: '/data' }, workDir: '/cache/retrain', target: { to: 's3://graphrec-artifacts' } });
    expect(read('infra/trainer.Dockerfile')).toContain('"retrain", "--config", "/config/retrain.json"');
  });
});
