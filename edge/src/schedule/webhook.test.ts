import { describe, expect, it } from 'vitest';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { callWebhook, redact } from './webhook.ts';
import { parseBodyTemplate, renderBody, type DispatchFacts } from './webhook-body.ts';

const facts: DispatchFacts = {
  model: 'graphsage',
  reason: 'no live version is published',
  liveVersion: null,
  liveAgeHours: null,
  at: '2026-06-10T03:00:00.000Z',
  lastRun: { runId: '20260610T000000Z-0123abcd', status: 'failed' },
};
const hook = { url: 'https://hooks.example/retrain', token: 's3cret-token', timeoutMs: 50 };

describe('webhook body', () => {
  it('sends the facts as they are without a template', () => {
    expect(renderBody(undefined, facts)).toEqual({ event: 'graphrec.retrain', ...facts });
  });

  it("fills a GitHub workflow_dispatch template's placeholders with strings", () => {
    const template = parseBodyTemplate('{"ref":"main","inputs":{"model":"{{model}}","why":"{{ reason }}","live":"{{liveVersion}}","run":"{{lastRunId}}/{{lastRunStatus}}"},"n":1}');
    expect(renderBody(template, facts)).toEqual({ ref: 'main', inputs: { model: 'graphsage', why: facts.reason, live: '', run: '20260610T000000Z-0123abcd/failed' }, n: 1 });
  });

  it('refuses bad JSON, a non-object and an unknown placeholder, naming the var', () => {
    for (const bad of ['{', '[1]', '{"a":"{{token}}"}']) {
      expect(() => parseBodyTemplate(bad)).toThrow(GraphrecError);
      expect(() => parseBodyTemplate(bad)).toThrow(/RETRAIN_WEBHOOK_BODY/);
    }
    expect(parseBodyTemplate('  ')).toBeUndefined();
  });
});

describe('callWebhook', () => {
  it('POSTs JSON with the bearer token and takes any 2xx as success', async () => {
    let seen: Request | undefined;
    const result = await callWebhook(hook, { a: 1 }, async (input, init) => {
      seen = new Request(input, init);
      return new Response(null, { status: 204 });
    });
    expect(result).toEqual({ ok: true, status: 204 });
    expect(seen?.method).toBe('POST');
    expect(seen?.headers.get('authorization')).toBe('Bearer s3cret-token');
    expect(await seen?.json()).toEqual({ a: 1 });
  });

  it('reports a non-2xx status with the answer, the token blanked out', async () => {
    const result = await callWebhook(hook, {}, async () => new Response('bad token s3cret-token', { status: 401 }));
    expect(result).toEqual({ ok: false, status: 401, detail: 'webhook answered 401: bad token [redacted]' });
  });

  it('reports a network error and a timeout without throwing', async () => {
    const down = await callWebhook(hook, {}, async () => {
      throw new TypeError('connect ECONNREFUSED');
    });
    expect(down).toEqual({ ok: false, detail: 'webhook call failed: TypeError: connect ECONNREFUSED' });
    const slow = await callWebhook(hook, {}, (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))));
    expect(slow).toEqual({ ok: false, detail: 'webhook call failed: no answer within 50 ms' });
  });

  it('redact leaves text alone when there is no secret', () => {
    expect(redact('abc', '')).toBe('abc');
  });
});
