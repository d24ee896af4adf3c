import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** Whether a JetStream API call failed because the stream does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}

/** Whether a JetStream API call failed because the consumer does not exist. */
export function isConsumerNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound;
}

/** JetStream's code for "insufficient storage resources available" (not among nats.js' named codes). */
const STORAGE_RESOURCES_EXCEEDED = 10047;

/** Whether JetStream refused a stream because it cannot reserve the stream's byte limit from its storage. */
export function isInsufficientStorage(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === STORAGE_RESOURCES_EXCEEDED;
}

/**
 * JetStream's codes for a replica count it cannot place: "replicas > 1 not supported in
 * non-clustered mode" (a single server) and "insufficient resources" (a cluster with fewer servers).
 */
const REPLICAS_NOT_SUPPORTED = 10074;
const INSUFFICIENT_RESOURCES = 10023;

/** Whether JetStream refused a stream or bucket because it cannot hold the requested replicas. */
export function isReplicasRefused(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === REPLICAS_NOT_SUPPORTED || error.code === INSUFFICIENT_RESOURCES)
  );
}
