import { randomUUID } from 'node:crypto';
import { toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { fromStatusData, toStatusData } from '@switchboard/errors';
import { wireBytesOf } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest, ModelInferResponseSchema } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { decodeInferInputs, elementCount, validateRequestedOutputs } from '@switchboard/tensors';
import type { WorkerPresence } from '@switchboard/worker-presence';
import type { JobDispatcher } from './job-dispatcher.js';
import type { RequestObserver } from './request-observer.js';
import { readRequestOptions } from './request-options.js';
import { annotateRequestSpan } from './request-span.js';
import { ANONYMOUS_TENANT, costOf, requestClassOf } from './request-telemetry.js';
import type { RequestRecordInit, RequestRecordPublisher } from './request-telemetry.js';
import { resolveTarget } from './resolve-target.js';
import { responseParameters } from './response-parameters.js';

export interface ModelInferOptions {
  snapshot: RegistrySnapshot;
  presence: WorkerPresence;
  dispatcher: JobDispatcher;
  records: RequestRecordPublisher;
  defaultTimeoutMs: number;
  maxRequestBytes: number;
  logger: Logger;
  /** Told when each call starts and ends (with its telemetry record), e.g. for Prometheus metrics. */
  observer?: RequestObserver;
}

type Response = MessageInitShape<typeof ModelInferResponseSchema>;

/**
 * The ModelInfer flow: resolve the name, validate the inputs, queue the job, wait for its result
 * until the deadline, answer — and publish one telemetry record for the request however it ends.
 */
export function createModelInfer(options: ModelInferOptions) {
  return async (request: ModelInferRequest, grpcDeadline: Date | number): Promise<Response> => {
    const startedAt = performance.now();
    options.observer?.requestStarted();
    const record: RequestRecordInit = {
      requestId: randomUUID(),
      model: request.modelName,
      tenant: ANONYMOUS_TENANT,
    };
    try {
      const response = await serve(options, request, grpcDeadline, record);
      record.statusCode = 0;
      return response;
    } catch (error) {
      record.statusCode = toStatusData(error).code;
      throw error;
    } finally {
      record.latencyUs = BigInt(Math.round((performance.now() - startedAt) * 1000));
      options.records.publish(record);
      annotateRequestSpan(record);
      options.observer?.requestFinished(record);
    }
  };
}

/** Serves one request, filling `record` with what it learns on the way. */
async function serve(
  options: ModelInferOptions,
  request: ModelInferRequest,
  grpcDeadline: Date | number,
  record: RequestRecordInit,
): Promise<Response> {
  const { model, route } = resolveTarget(
    options.snapshot,
    options.presence,
    request.modelName,
    request.modelVersion,
  );
  const routeName = route?.name ?? '';
  Object.assign(record, {
    model: model.name,
    version: model.version,
    route: routeName,
    requestClass: requestClassOf(model),
  });
  const inputs = decodeInferInputs(request, model.inputs, { maxRequestBytes: options.maxRequestBytes });
  validateRequestedOutputs(request, model.outputs);
  const { priority, deadlineUnixMs } = readRequestOptions(request, grpcDeadline, options.defaultTimeoutMs);
  const elements = inputs.reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
  Object.assign(record, { priority, cascadeSteps: 1, costMicros: costOf(model, elements) });
  const requestId = record.requestId ?? '';
  const job = {
    requestId,
    model: model.name,
    version: model.version,
    route: routeName,
    request: wireBytesOf(request) ?? toBinary(ModelInferRequestSchema, request),
    priority,
  };
  const result = await options.dispatcher.dispatch(job, deadlineUnixMs);
  Object.assign(record, {
    workerId: result.workerId,
    batchSize: result.batchSize,
    synthetic: result.synthetic,
    queueWaitUs: result.timings?.queueWaitUs ?? 0n,
    batchWaitUs: result.timings?.batchWaitUs ?? 0n,
    executeUs: result.timings?.executeUs ?? 0n,
    ...(result.confidence === undefined ? {} : { confidence: result.confidence }),
  });
  if (result.status !== undefined && result.status.code !== 0) throw fromStatusData(result.status);
  options.logger.debug({ requestId, model: model.name, worker: result.workerId }, 'request answered');
  return {
    modelName: request.modelName,
    modelVersion: model.version,
    id: request.id,
    outputs: result.response?.outputs ?? [],
    rawOutputContents: result.response?.rawOutputContents ?? [],
    parameters: { ...result.response?.parameters, ...responseParameters(model, result, routeName) },
  };
}
