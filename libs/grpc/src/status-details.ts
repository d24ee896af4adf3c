import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { anyIs, anyPack, anyUnpack, DurationSchema } from '@bufbuild/protobuf/wkt';
import type { Metadata } from '@grpc/grpc-js';
import { RetryInfoSchema, StatusSchema } from '@switchboard/protocol';

/**
 * The trailer gRPC's richer error model puts a serialized google.rpc.Status in; clients of every
 * language (grpc-status in Go, `grpc_status.rpc_status` in Python, StatusProto in Java) read it.
 */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * A google.rpc.Status whose details hold one google.rpc.RetryInfo, serialized for
 * {@link STATUS_DETAILS_KEY}. The code and message must equal the call's own status, as the
 * richer error model requires.
 * @param retryAfterMs rounded up to whole milliseconds.
 */
export function encodeRetryInfo(code: number, message: string, retryAfterMs: number): Uint8Array {
  const delayMs = Math.max(0, Math.ceil(retryAfterMs));
  const retryDelay = create(DurationSchema, {
    seconds: BigInt(Math.floor(delayMs / 1000)),
    nanos: (delayMs % 1000) * 1_000_000,
  });
  const retryInfo = create(RetryInfoSchema, { retryDelay });
  const status = create(StatusSchema, { code, message, details: [anyPack(RetryInfoSchema, retryInfo)] });
  return toBinary(StatusSchema, status);
}

/**
 * The retry delay a server sent in google.rpc.RetryInfo within `grpc-status-details-bin`, in
 * milliseconds; undefined when the trailer or the RetryInfo is absent.
 * @throws Error (from protobuf-es) when the trailer is not a serialized google.rpc.Status.
 */
export function readRetryDelayMs(metadata: Metadata): number | undefined {
  const [details] = metadata.get(STATUS_DETAILS_KEY);
  if (details === undefined || typeof details === 'string') return undefined;
  const status = fromBinary(StatusSchema, details);
  const packed = status.details.find((any) => anyIs(any, RetryInfoSchema));
  const retryDelay = packed === undefined ? undefined : anyUnpack(packed, RetryInfoSchema)?.retryDelay;
  if (retryDelay === undefined) return undefined;
  return Number(retryDelay.seconds) * 1000 + retryDelay.nanos / 1_000_000;
}
