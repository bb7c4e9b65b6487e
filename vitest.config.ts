import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'tools/**/*.test.ts', 'evals/**/*.test.ts', 'bench/**/*.test.ts', 'prompts/**/*.test.ts'],
    // PGlite boots a WASM Postgres per test file; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
