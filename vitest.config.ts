// Three tiers, picked by file name: *.unit.spec.ts (pure logic, no servers),
// *.int.spec.ts (one component against the real Postgres/Redis/NATS),
// *.e2e.spec.ts (the running stack, through its public surfaces only).
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/dist/**', '.freshet/**'];

export default defineConfig({
  test: {
    // Two cores: integration files share the servers but isolate by unique names.
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['{apps,libs,tools}/**/*.unit.spec.ts'], exclude } },
      {
        test: {
          name: 'int',
          include: ['{apps,libs,tools}/**/*.int.spec.ts'],
          exclude,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['{apps,libs,tools}/**/*.e2e.spec.ts'],
          exclude,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
