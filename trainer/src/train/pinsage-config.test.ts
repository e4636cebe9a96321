import { describe, expect, it } from 'vitest';
import { LEGACY_SCORE_BIAS, parsePinSageConfig, RecordedPinSageConfigSchema } from './pinsage-config.ts';

describe('PinSage config: scoreBias', () => {
  it('round-trips through a recorded config (run.json, checkpoints) either way', () => {
    for (const scoreBias of [true, false]) {
      const config = parsePinSageConfig({ epochs: 3, scoreBias });
      const recorded = RecordedPinSageConfigSchema.parse(JSON.parse(JSON.stringify(config)));
      expect(recorded).toEqual(config);
      expect(recorded.scoreBias).toBe(scoreBias);
    }
  });

  it('reads a recorded config without the field as the old behaviour (bias on), not today’s default', () => {
    const old = { ...parsePinSageConfig({ epochs: 3 }) } as Record<string, unknown>;
    delete old.scoreBias;
    expect(LEGACY_SCORE_BIAS).toBe(true);
    expect(RecordedPinSageConfigSchema.parse(old).scoreBias).toBe(true);
    expect(parsePinSageConfig({}).scoreBias).toBe(false);
  });

  it('rejects a non-boolean scoreBias', () => {
    expect(() => parsePinSageConfig({ scoreBias: 'yes' })).toThrow(/scoreBias/);
  });
});
