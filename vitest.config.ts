import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultExclude, defineConfig } from 'vitest/config';
import type { Plugin, TestProjectInlineConfiguration, TestUserConfig } from 'vitest/config';

/** Workspace folders that may hold tests: every package under libs/ and services/, plus models/, bench/, chaos/ (its unit tests; the suite itself runs with `pnpm test:chaos`), k8s/ and infra/ (checks of the deployment files) and deploy/ (its unit tests; the compose run itself is `pnpm test:compose`). */
const PACKAGE_GROUPS = ['libs', 'services'];
const SINGLE_PACKAGES = ['models', 'bench', 'chaos', 'k8s', 'infra', 'deploy'];

/** The file names vitest itself looks for in a project folder. */
const CONFIG_FILE_PATTERN = /^vite(st)?\.config\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Defaults for every project. The timeouts suit integration tests against real NATS and
 * Postgres; forks keep native modules (onnxruntime-node) and spawned servers in their own
 * processes; dist/ holds compiled copies of tests that must not run twice.
 */
const TEST_TIMEOUT_MS = 30_000;
const HOOK_TIMEOUT_MS = 60_000;
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/dist/**'];

/**
 * Fills in the defaults a package's own vitest config leaves unset. A plugin rather than inline
 * `test` options, because inline options would override what the package config says.
 */
function repositoryTestDefaults(): Plugin {
  return {
    name: 'switchboard:test-defaults',
    config(config) {
      const test: TestUserConfig = ((config as { test?: TestUserConfig }).test ??= {});
      test.testTimeout ??= TEST_TIMEOUT_MS;
      test.hookTimeout ??= HOOK_TIMEOUT_MS;
      test.pool ??= 'forks';
      test.exclude = [...new Set([...(test.exclude ?? defaultExclude), ...ALWAYS_EXCLUDED])];
    },
  };
}

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
 * One project per package, named after the package, built on the package's own
 * vitest.config.* when it has one. Projects do not extend this root config, so the global
 * setup below runs once per run rather than once per project; its values reach every project.
 * A package without tests is simply a project with no files.
 */
function toProject(directory: string): TestProjectInlineConfiguration {
  const packageJson = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string };
  const configFile = readdirSync(directory).find((name) => CONFIG_FILE_PATTERN.test(name));
  return {
    ...(configFile === undefined ? {} : { extends: join(directory, configFile) }),
    root: directory,
    plugins: [repositoryTestDefaults()],
    test: { name: packageJson.name ?? directory },
  };
}

export default defineConfig({
  test: {
    projects: listPackageDirectories().map(toProject),
    // Finds (NATS_URL / DATABASE_URL) or starts NATS and Postgres once for the whole run and
    // provides their URLs; tests read them with testInfrastructure(). Needs libs/testkit built.
    globalSetup: ['./libs/testkit/dist/global-setup.js'],
    // Timeouts, pool and exclusions are per project: see repositoryTestDefaults().
  },
});
