export { provideInfrastructure } from './provide-infrastructure.js';
export type {
  Infrastructure,
  InfrastructureOptions,
  InfrastructureSource,
} from './provide-infrastructure.js';
export { startLocalNats } from './start-local-nats.js';
export type { LocalNats, LocalNatsOptions } from './start-local-nats.js';
export { startLocalPostgres } from './start-local-postgres.js';
export type { LocalPostgres, LocalPostgresOptions } from './start-local-postgres.js';
export type { PostgresBinaries } from './find-postgres-binaries.js';
export type { LocalProcess } from './local-process.js';
export { findBinary } from './find-binary.js';
export type { BinaryLookup, FindBinaryOptions } from './find-binary.js';
export type { ContainerService, ContainerStarter } from './start-container.js';
export type { Logger } from './logger.js';
export { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
export type { InfrastructureService } from './infrastructure-unavailable-error.js';
export { LocalProcessStartError } from './local-process-start-error.js';
export { findFreePort } from './free-port.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export { generateNatsUsers, NATS_USER_NAMES, natsPasswordVariable } from './nats-users.js';
export type { NatsUserName, NatsUsers } from './nats-users.js';
