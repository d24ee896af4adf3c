import { defaultExclude, defineConfig } from 'vitest/config';

/**
 * The whole-benchmark runs (`*.e2e.test.ts`, half a minute to a minute each) make up `pnpm
 * test:bench`, which CI runs beside `pnpm test`; the default suite keeps the harnesses' unit tests.
 */
const runEndToEnd = process.env['SWITCHBOARD_BENCH_E2E'] === '1';

export default defineConfig({
  test: {
    exclude: runEndToEnd ? defaultExclude : [...defaultExclude, '**/*.e2e.test.ts'],
  },
});
