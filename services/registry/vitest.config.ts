import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start Postgres migrations, NATS and a gRPC server per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
