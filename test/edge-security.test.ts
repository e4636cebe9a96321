import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFolder } from './helpers/fixtures.ts';
import { servedFixture } from './helpers/served-fixture.ts';

/**
 * No secret reaches an artifact: with credentials and the cron's token in the
 * environment while training, exporting and publishing, neither the export
 * folder nor the local bucket's stored objects contain them, nor anything
 * shaped like a credential.
 */
const { dir } = fixtureFolder('edge-security');
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAGRAPHRECSENTINEL',
  AWS_SECRET_ACCESS_KEY: 'graphrec-sentinel-secret-0b7e2c9a41',
  AWS_SESSION_TOKEN: 'graphrec-sentinel-session-5d1f',
  RETRAIN_WEBHOOK_TOKEN: 'graphrec-sentinel-webhook-8a3e',
};
/** Shapes of credentials whatever their value: AWS key ids, PEM keys, bearer tokens, GitHub tokens. */
const SHAPES = [/AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bBearer\s+[A-Za-z0-9._~+/-]{12,}/, /\bgh[pousr]_[A-Za-z0-9]{30,}/];
const saved: Record<string, string | undefined> = {};

function* filesUnder(root: string): Generator<string> {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** A file's text, gunzipped when it is gzip (the data set, some objects). */
function textOf(path: string): string {
  const bytes = readFileSync(path);
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return plain.toString('latin1');
}

beforeAll(async () => {
  for (const [k, v] of Object.entries(SECRETS)) (saved[k] = process.env[k]), (process.env[k] = v);
  await servedFixture(dir, { products: 300, seed: 17 });
}, 300_000);
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('secrets', () => {
  it('appear in no exported file and no published object', () => {
    let scanned = 0;
    for (const root of [join(dir, 'export'), join(dir, 'run'), join(dir, 'state')]) {
      for (const path of filesUnder(root)) {
        const text = textOf(path);
        scanned++;
        for (const secret of Object.values(SECRETS)) expect(text.includes(secret), `${path} holds a secret`).toBe(false);
        for (const shape of SHAPES) expect(shape.test(text), `${path} matches ${shape}`).toBe(false);
      }
    }
    console.log(`[security] ${scanned} files of the run, the export and the local bucket scanned: no secret`);
    expect(scanned).toBeGreaterThan(20);
  });
});
