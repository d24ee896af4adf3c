/**
 * The gRPC status codes Switchboard uses, with the numbers the gRPC spec assigns them. Kept here
 * (rather than imported from grpc-js) so errors can travel over NATS and be rebuilt anywhere.
 */
export const StatusCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the numeric gRPC status codes in {@link StatusCode}. */
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

const namesByCode = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** The spec name of a status code, e.g. `NOT_FOUND`; `UNKNOWN` for numbers outside the spec. */
export function statusCodeName(code: number): string {
  return namesByCode.get(code) ?? 'UNKNOWN';
}
