/**
 * A real registry for other packages' integration tests (`@switchboard/registry/testing`). Needs
 * `@switchboard/testkit` and its vitest global setup, which such tests have anyway.
 */
export type { RegistryFixture } from './registry-fixture.js';
export { startRegistryFixture } from './registry-fixture.js';
