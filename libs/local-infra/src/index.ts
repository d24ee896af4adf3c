export {
  findBinary,
  defaultBinaryDirectories,
  postgresBinDirectories,
  DEBIAN_POSTGRES_ROOT,
} from './find-binary.js';
export type { BinaryLookup, FindBinaryOptions } from './find-binary.js';
export { findPostgresBinaries } from './find-postgres-binaries.js';
export type { PostgresBinaries } from './find-postgres-binaries.js';
export { startLocalNats, DEFAULT_NATS_START_TIMEOUT_MS, NATS_INSTALL_HINT } from './start-local-nats.js';
export type { LocalNats, LocalNatsOptions } from './start-local-nats.js';
export {
  startLocalPostgres,
  DEFAULT_POSTGRES_START_TIMEOUT_MS,
  POSTGRES_INSTALL_HINT,
} from './start-local-postgres.js';
export type { LocalPostgres, LocalPostgresOptions } from './start-local-postgres.js';
export type { LocalProcess } from './local-process.js';
export type { Logger } from './logger.js';
export { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
export type {
  InfrastructureService,
  InfrastructureUnavailableErrorOptions,
} from './infrastructure-unavailable-error.js';
export { LocalProcessStartError } from './local-process-start-error.js';
export type { LocalProcessStartErrorOptions } from './local-process-start-error.js';
export { provideInfrastructure } from './provide-infrastructure.js';
export type {
  Infrastructure,
  InfrastructureOptions,
  InfrastructureSource,
} from './provide-infrastructure.js';
export { startContainer, NATS_IMAGE, POSTGRES_IMAGE } from './start-container.js';
export type { ContainerService, ContainerStarter } from './start-container.js';
