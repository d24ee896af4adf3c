import { StatusCode, statusCodeName } from './status-code.js';
import { SwitchboardError } from './switchboard-error.js';

/**
 * An error that travelled as data (a status code, message and retry flag, e.g. in a JobResult) and
 * was rebuilt on receipt. Its message came from another Switchboard service and is client-safe.
 */
export class RemoteError extends SwitchboardError {
  readonly code: StatusCode;
  readonly retryable: boolean;

  constructor(code: StatusCode, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }

  override toString(): string {
    return `${this.name} [${statusCodeName(this.code)}]: ${this.message}`;
  }
}

/** A status as it travels between services. */
export interface StatusData {
  code: number;
  message: string;
  retryable: boolean;
}

/** Turns a thrown value into status data; anything not a SwitchboardError becomes INTERNAL with a generic message. */
export function toStatusData(error: unknown): StatusData {
  if (error instanceof SwitchboardError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  return { code: StatusCode.INTERNAL, message: 'internal error', retryable: false };
}

/** Rebuilds a typed error from status data received over the wire. */
export function fromStatusData(status: StatusData): RemoteError {
  const known = Object.values(StatusCode) as number[];
  const code = (known.includes(status.code) ? status.code : StatusCode.UNKNOWN) as StatusCode;
  return new RemoteError(code, status.message, status.retryable);
}
