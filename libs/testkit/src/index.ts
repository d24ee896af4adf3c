export { testInfrastructure } from './test-infrastructure.js';
export type { TestInfrastructure } from './test-infrastructure.js';
export { createTestNamespace } from './create-test-namespace.js';
export { createTestDatabase } from './create-test-database.js';
export type { TestDatabase, TestDatabaseOptions } from './create-test-database.js';
export type { ServiceTestPlace } from './service-test-environment.js';
export { serviceTestEnvironment } from './service-test-environment.js';
export { scrapeMetrics } from './scrape-metrics.js';
export type { MetricsScrape } from './scrape-metrics.js';
// One polling helper for tests, the CLI and the benchmark; it lives with the local infrastructure.
export { findFreePort, waitFor } from '@switchboard/local-infra';
export type { WaitForOptions } from '@switchboard/local-infra';
export { createTestCertificates } from './create-test-certificates.js';
export type { TestCertificates } from './create-test-certificates.js';
export { createTestRole } from './create-test-role.js';
export type { TestRole, TestRoleOptions } from './create-test-role.js';
