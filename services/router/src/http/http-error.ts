import { StatusCode } from '@switchboard/errors';
import { toGrpcStatus } from '@switchboard/grpc';

/**
 * A refusal at the HTTP layer itself, before any request path runs: no such endpoint, the wrong
 * method, a body too large or not readable. Its message is written for the caller.
 */
export class HttpError extends Error {
  /** Headers the answer carries besides the JSON body, e.g. `allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    message: string,
    headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.headers = headers;
  }
}

/** An error as the HTTP door answers it: status, `{"error": message}`, extra headers. */
export interface HttpErrorReply {
  status: number;
  message: string;
  headers: Readonly<Record<string, string>>;
  /** Not a Switchboard error nor an HttpError: a bug, logged with its cause; the client sees a generic message. */
  unexpected: boolean;
}

/**
 * gRPC status → HTTP status, as KServe and Triton map them. RESOURCE_EXHAUSTED is split by whether
 * waiting helps: a refusal with a retry delay (overload, a tenant's rate) is 429 with `Retry-After`;
 * a request that is simply too large never passes and is 413.
 */
const HTTP_STATUS_BY_CODE: Readonly<Record<number, number>> = {
  [StatusCode.CANCELLED]: 499,
  [StatusCode.UNKNOWN]: 500,
  [StatusCode.INVALID_ARGUMENT]: 400,
  [StatusCode.DEADLINE_EXCEEDED]: 504,
  [StatusCode.NOT_FOUND]: 404,
  [StatusCode.ALREADY_EXISTS]: 409,
  [StatusCode.PERMISSION_DENIED]: 403,
  [StatusCode.RESOURCE_EXHAUSTED]: 429,
  [StatusCode.FAILED_PRECONDITION]: 400,
  [StatusCode.ABORTED]: 409,
  [StatusCode.OUT_OF_RANGE]: 400,
  [StatusCode.UNIMPLEMENTED]: 501,
  [StatusCode.INTERNAL]: 500,
  [StatusCode.UNAVAILABLE]: 503,
  [StatusCode.DATA_LOSS]: 500,
  [StatusCode.UNAUTHENTICATED]: 401,
};

/** The HTTP status a gRPC status code becomes (500 for a code outside the spec). */
export function httpStatusOf(code: number, retryAfterMs: number | undefined): number {
  if (code === StatusCode.RESOURCE_EXHAUSTED && retryAfterMs === undefined) return 413;
  return HTTP_STATUS_BY_CODE[code] ?? 500;
}

/**
 * Turns any thrown value into the HTTP answer: an HttpError as it is, a Switchboard error by its
 * gRPC code (a retry delay becomes `Retry-After`, whole seconds rounded up), anything else 500 with
 * a generic message (the same rule as the gRPC door's toGrpcStatus).
 */
export function toHttpErrorReply(error: unknown): HttpErrorReply {
  if (error instanceof HttpError) {
    return { status: error.status, message: error.message, headers: error.headers, unexpected: false };
  }
  const status = toGrpcStatus(error);
  const headers: Record<string, string> =
    status.retryAfterMs === undefined
      ? {}
      : { 'retry-after': String(Math.max(1, Math.ceil(status.retryAfterMs / 1000))) };
  return {
    status: httpStatusOf(status.code, status.retryAfterMs),
    message: status.details,
    headers,
    unexpected: status.unexpected,
  };
}
