/** A piece of infrastructure the orchestrator needs. */
export type InfrastructureService = 'nats' | 'postgres';

/** Options for {@link InfrastructureUnavailableError}. */
interface InfrastructureUnavailableErrorOptions {
  readonly services: readonly InfrastructureService[];
  readonly cause?: unknown;
}

/**
 * Thrown when NATS or PostgreSQL can be neither reached through a given URL, started from a
 * local binary, nor started in a container. The message says what to install or which
 * variable to set. Retrying cannot help until the machine changes.
 */
export class InfrastructureUnavailableError extends Error {
  override readonly name = 'InfrastructureUnavailableError';
  /** Retrying without installing something first gives the same result. */
  readonly retryable = false;
  /** The services that could not be provided. */
  readonly services: readonly InfrastructureService[];

  constructor(message: string, options: InfrastructureUnavailableErrorOptions) {
    super(message, { cause: options.cause });
    this.services = options.services;
  }
}
