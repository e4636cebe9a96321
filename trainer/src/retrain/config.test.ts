import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../test/helpers/fixtures.ts';
import { configHash, parseRetrainConfig, readRetrainConfig } from './config.ts';

const minimal = { model: 'graphsage', data: { path: 'data' }, target: { to: 's3://models/prod' } };

describe('parseRetrainConfig', () => {
  it('fills defaults, resolves paths against the file and picks the gate metric of the protocol', () => {
    const c = parseRetrainConfig(minimal, '/etc/graphrec');
    expect(c).toMatchObject({ data: { path: '/etc/graphrec/data', format: 'auto' }, workDir: '/etc/graphrec/.cache/retrain', protocol: 'standard' });
    expect(c.gate).toEqual({ metric: 'held-out-edges/graphsage/hr@10', tolerance: 0.01, onMissingLive: 'refuse' });
    expect(c.lock).toEqual({ ttlSeconds: 900, waitSeconds: 0 });
    expect(c.training).toMatchObject({ epochs: 30, inputDim: 64 });
    expect(parseRetrainConfig({ ...minimal, model: 'pinsage' }, '/').gate.metric).toBe('user-leave-last-out/pinsage/mean-history/hr@10');
    expect(parseRetrainConfig({ ...minimal, protocol: 'gae' }, '/').gate.metric).toBe('gae/graphsage/auc');
  });

  it('rejects unknown fields and bad values, naming them', () => {
    expect(() => parseRetrainConfig({ ...minimal, training: { epoch: 3 } }, '/')).toThrow(/training: Unrecognized key.*epoch/);
    expect(() => parseRetrainConfig({ ...minimal, gate: { tolerance: -1 } }, '/')).toThrow(/gate\.tolerance/);
    expect(() => parseRetrainConfig({ ...minimal, model: 'pinsage', protocol: 'gae' }, '/')).toThrow(/protocol/);
    expect(errorCode(() => parseRetrainConfig({ ...minimal, model: 'sage' }, '/'))).toBe('retrain/bad-config');
  });

  it('hashes what shapes the stage outputs, not the target, gate or lock', () => {
    const a = parseRetrainConfig(minimal, '/x');
    expect(configHash(parseRetrainConfig({ ...minimal, target: { to: 'local' }, gate: { tolerance: 0.5 }, lock: { ttlSeconds: 60 } }, '/x'))).toBe(configHash(a));
    expect(configHash(parseRetrainConfig({ ...minimal, training: { epochs: 3 } }, '/x'))).not.toBe(configHash(a));
    expect(configHash(parseRetrainConfig(minimal, '/y'))).not.toBe(configHash(a));
  });
});

describe('infra/retrain.example.json', () => {
  it('is a valid configuration', async () => {
    const c = await readRetrainConfig(new URL('../../../infra/retrain.example.json', import.meta.url).pathname);
    // The trainer image mounts the data at /data and the stage cache at /cache/retrain (infra/trainer.Dockerfile).
    expect(c).toMatchObject({ model: 'graphsage', data: { path: '/data' }, workDir: '/cache/retrain', gate: { metric: 'held-out-edges/graphsage/hr@10' }, target: { to: 's3://graphrec-artifacts' } });
  });
});
