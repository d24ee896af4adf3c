import type { GrpcCallError } from '@switchboard/grpc';

/** The error a registry call is refused with (its status `code` and `details`), or undefined when it succeeds. */
export function refusalOf(call: Promise<unknown>): Promise<GrpcCallError | undefined> {
  return call.then(
    () => undefined,
    (rejection: unknown) => rejection as GrpcCallError,
  );
}
