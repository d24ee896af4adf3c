import { InvalidArgumentError } from '@switchboard/errors';
import type { Priority } from '@switchboard/nats';
import { toPriority } from '@switchboard/nats';
import type { InferParameter, ModelInferRequest } from '@switchboard/protocol';

/** Scheduling options of one request. */
export interface RequestOptions {
  priority: Priority;
  deadlineUnixMs: number;
}

function readWholeNumber(parameters: Record<string, InferParameter>, name: string): bigint | undefined {
  const choice = parameters[name]?.parameterChoice;
  if (choice === undefined || choice.case === undefined) return undefined;
  if (choice.case === 'int64Param' || choice.case === 'uint64Param') {
    if (choice.value < 0n)
      throw new InvalidArgumentError(`parameter "${name}" must be >= 0, got ${choice.value}`);
    return choice.value;
  }
  throw new InvalidArgumentError(
    `parameter "${name}" must be an int64 or uint64 parameter, got ${choice.case}`,
  );
}

/**
 * Reads Triton's `priority` and `timeout` request parameters and the gRPC deadline. The deadline is
 * the earliest of the gRPC deadline and `timeout` (microseconds, as in Triton); with neither, the
 * router's default timeout applies.
 * @throws InvalidArgumentError when a parameter has the wrong type or a negative value.
 */
export function readRequestOptions(
  request: ModelInferRequest,
  grpcDeadline: Date | number,
  defaultTimeoutMs: number,
  nowMs = Date.now(),
): RequestOptions {
  const timeoutUs = readWholeNumber(request.parameters, 'timeout');
  const candidates = [grpcDeadline instanceof Date ? grpcDeadline.getTime() : grpcDeadline];
  if (timeoutUs !== undefined && timeoutUs > 0n) candidates.push(nowMs + Number(timeoutUs) / 1000);
  const earliest = Math.min(...candidates);
  return {
    priority: toPriority(readWholeNumber(request.parameters, 'priority')),
    deadlineUnixMs: Number.isFinite(earliest) ? earliest : nowMs + defaultTimeoutMs,
  };
}
