import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureChromium } from '../infra/scripts/ensure-chromium.mjs';

describe('ensure-chromium', () => {
  it('names the way to get Chromium when the one it is pointed at does not exist', () => {
    const saved = process.env.GRAPHREC_CHROMIUM;
    process.env.GRAPHREC_CHROMIUM = join(tmpdir(), `no-such-chromium-${process.pid}`);
    try {
      const r = ensureChromium({ install: false });
      expect(r.path).toBeNull();
      expect(r.message).toMatch(/not an executable file[\s\S]*apt-get install -y chromium[\s\S]*GRAPHREC_CHROMIUM=/);
    } finally {
      if (saved === undefined) delete process.env.GRAPHREC_CHROMIUM;
      else process.env.GRAPHREC_CHROMIUM = saved;
    }
  });
});
