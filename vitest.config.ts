import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['trainer/**/*.test.ts', 'artifacts/**/*.test.ts', 'edge/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
