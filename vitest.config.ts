import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          // One broker and one emulator serve every file; latency and fault injection are
          // global to the emulator, so files take turns.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'deploy',
          // Rebuilds dist/, which the integration project's serverless-offline serves from.
          sequence: { groupOrder: 2 },
          include: ['tests/deploy/**/*.test.ts'],
          // Each file builds every bundle: one at a time, or on a shared machine both time out.
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
