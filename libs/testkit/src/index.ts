export { testInfrastructure } from './test-infrastructure.js';
export type { TestInfrastructure } from './test-infrastructure.js';
export { createTestNamespace } from './create-test-namespace.js';
export { createTestDatabase } from './create-test-database.js';
export type { TestDatabase, TestDatabaseOptions } from './create-test-database.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
