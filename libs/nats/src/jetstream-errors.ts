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
