import type { CallKind } from './call-outcome.js';

const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;
/** grpc-js's code for a stream the server reset (RST_STREAM CANCEL), e.g. one caught by its shutdown. */
const CANCELLED = 1;

/** What grpc-js itself reports when the channel to the router broke; no server sent these. */
const TRANSPORT_FAILURE =
  /No connection established|Connection dropped|ECONNRESET|ECONNREFUSED|Socket closed|Stream refused|Received RST_STREAM|Call cancelled/i;
/** grpc-js's message when the client's own deadline passed (a server's DEADLINE_EXCEEDED says more). */
const CLIENT_DEADLINE = /^Deadline exceeded after/;
/** A refusal says when or whether to come back; services word it "try again" or "retry". */
const RETRY_WORDS = /try again|\bretry\b/i;

/** The parts of a failed call's error the classification needs. */
export interface CallError {
  readonly code: number;
  readonly details: string;
  readonly retryInfo: boolean;
}

/**
 * Sorts a failed call into a {@link CallKind}. A refusal is RESOURCE_EXHAUSTED, or UNAVAILABLE with a
 * retry hint (RetryInfo or a message saying to retry); any other status the router sent is an answer.
 */
export function classifyCallError(error: CallError): CallKind {
  if (error.code === DEADLINE_EXCEEDED && CLIENT_DEADLINE.test(error.details)) return 'silent';
  if ((error.code === UNAVAILABLE || error.code === CANCELLED) && TRANSPORT_FAILURE.test(error.details)) {
    return 'transport';
  }
  if (error.code === RESOURCE_EXHAUSTED) return 'refusal';
  if (error.code === UNAVAILABLE && (error.retryInfo || RETRY_WORDS.test(error.details))) return 'refusal';
  return 'status';
}
