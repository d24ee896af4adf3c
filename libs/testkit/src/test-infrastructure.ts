import { inject } from 'vitest';

/** Where the test run's NATS and PostgreSQL live. */
export interface TestInfrastructure {
  /** A NATS server with JetStream, shared by the whole run: isolate with {@link createTestNamespace}. */
  readonly natsUrl: string;
  /** The maintenance database of a PostgreSQL server: isolate with {@link createTestDatabase}. */
  readonly databaseUrl: string;
}

declare module 'vitest' {
  // Filled in by @switchboard/testkit/global-setup through project.provide().
  export interface ProvidedContext {
    natsUrl: string;
    databaseUrl: string;
  }
}

/**
 * Returns the URLs the testkit global setup provided to this test run.
 * @throws Error when the run was started without the global setup (see the root vitest.config.ts)
 */
export function testInfrastructure(): TestInfrastructure {
  const natsUrl = inject('natsUrl');
  const databaseUrl = inject('databaseUrl');
  if (typeof natsUrl !== 'string' || typeof databaseUrl !== 'string') {
    throw new Error(
      'No test infrastructure was provided. Run vitest from the repository root, whose vitest.config.ts lists ' +
        "'@switchboard/testkit/global-setup' (libs/testkit/dist/global-setup.js) in test.globalSetup, after building libs/testkit.",
    );
  }
  return { natsUrl, databaseUrl };
}
