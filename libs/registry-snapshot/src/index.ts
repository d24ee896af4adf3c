export { hashApiKey } from './hash-api-key.js';
export { modelKey, openRegistryBucket, parseRegistryKey, routeKey, tenantKey } from './registry-bucket.js';
export type { SnapshotListener } from './registry-snapshot.js';
export { RegistrySnapshot } from './registry-snapshot.js';
export { startRegistrySnapshot } from './start-registry-snapshot.js';
