import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only the sources: the build also emits dist/, which must not be collected twice.
    include: ['src/**/*.test.ts'],
  },
});
