import { defineConfig } from 'vitest/config';

// Run from the repository root (`npx vitest run services/resource-manager`): its config adds the
// testkit global setup that provides NATS and Postgres, and the shared timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
