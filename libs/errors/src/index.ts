export type { SwitchboardErrorOptions } from './switchboard-error.js';
export {
  AlreadyExistsError,
  DeadlineExceededError,
  ExecutionError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  SwitchboardError,
  UnauthenticatedError,
  UnavailableError,
} from './switchboard-error.js';
export type { StatusData } from './remote-error.js';
export { RemoteError, fromStatusData, toStatusData } from './remote-error.js';
export { StatusCode, statusCodeName } from './status-code.js';
export { previewText } from './preview-text.js';
