import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

/** Workspace folders that may hold tests: every package under libs/ and services/, plus models/. */
const PACKAGE_GROUPS = ['libs', 'services'];
const SINGLE_PACKAGES = ['models'];

/** Vitest's own lookup order for a config file inside a project folder. */
const CONFIG_FILE_PATTERN = /^vite(st)?\.config\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Applied to every project. Timeouts suit integration tests against real NATS and Postgres;
 * forks rather than threads because native modules (onnxruntime-node) and child processes
 * behave better in separate processes. dist/ holds compiled copies of tests.
 */
const sharedTestOptions = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
  exclude: ['**/node_modules/**', '**/dist/**'],
} as const;

function listPackageDirectories(): string[] {
  const grouped = PACKAGE_GROUPS.flatMap((group) =>
    existsSync(group)
      ? readdirSync(group, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(group, entry.name))
      : [],
  );
  return [...grouped, ...SINGLE_PACKAGES].filter((directory) => existsSync(join(directory, 'package.json')));
}

/**
 * One inline project per package. A package's own vitest.config.* is extended (its include,
 * setupFiles and the like apply) with the shared options on top, so every package gets the
 * same timeouts, pool and exclusions whether it has a config file or not. Projects do not
 * extend this root config, so the global setup below runs once per run, not once per project.
 */
function toProject(directory: string): TestProjectInlineConfiguration {
  const packageJson = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string };
  const configFile = readdirSync(directory).find((name) => CONFIG_FILE_PATTERN.test(name));
  return {
    ...(configFile === undefined ? {} : { extends: join(directory, configFile) }),
    root: directory,
    test: { ...sharedTestOptions, exclude: [...sharedTestOptions.exclude], name: packageJson.name ?? directory },
  };
}

export default defineConfig({
  test: {
    ...sharedTestOptions,
    exclude: [...sharedTestOptions.exclude],
    projects: listPackageDirectories().map(toProject),
    // Starts (or finds, from NATS_URL / DATABASE_URL) NATS and Postgres once for the whole run and
    // provides their URLs to every project; tests read them with testInfrastructure(). Build first.
    globalSetup: ['./libs/testkit/dist/global-setup.js'],
  },
});
