import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { fromStatusData } from '@switchboard/errors';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { GRPCInferenceService } from '@switchboard/protocol';
import type { InferParameterSchema, JobResult, ModelSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { decodeInferInputs, validateRequestedOutputs } from '@switchboard/tensors';
import type { JobDispatcher } from './job-dispatcher.js';
import { readRequestOptions } from './request-options.js';
import { resolveTarget } from './resolve-target.js';
import type { WorkerPresence } from './worker-presence.js';

export interface InferenceServiceOptions {
  snapshot: RegistrySnapshot;
  presence: WorkerPresence;
  dispatcher: JobDispatcher;
  serverVersion: string;
  defaultTimeoutMs: number;
  maxRequestBytes: number;
  /** Whether NATS is connected and the registry snapshot loaded. */
  isReady: () => boolean;
  logger: Logger;
}

/** Triton's platform names where one exists, so clients that branch on the platform keep working. */
function platformOf(model: ModelSpec): string {
  return model.runtime === 'onnx' ? 'onnxruntime_onnx' : model.runtime;
}

type Parameter = MessageInitShape<typeof InferParameterSchema>;

/** Switchboard's own facts about an answer, returned as response parameters prefixed `switchboard.`. */
function responseParameters(model: ModelSpec, result: JobResult, route: string): Record<string, Parameter> {
  const text = (value: string): Parameter => ({ parameterChoice: { case: 'stringParam', value } });
  const whole = (value: bigint | number): Parameter => ({
    parameterChoice: { case: 'int64Param', value: BigInt(value) },
  });
  const parameters: Record<string, Parameter> = {
    'switchboard.model': text(model.name),
    'switchboard.version': text(model.version),
    'switchboard.worker': text(result.workerId),
    'switchboard.batch_size': whole(result.batchSize),
    'switchboard.attempt': whole(result.attempt),
    'switchboard.queue_wait_us': whole(result.timings?.queueWaitUs ?? 0n),
    'switchboard.execute_us': whole(result.timings?.executeUs ?? 0n),
  };
  if (route !== '') parameters['switchboard.route'] = text(route);
  if (result.confidence !== undefined) {
    parameters['switchboard.confidence'] = {
      parameterChoice: { case: 'doubleParam', value: result.confidence },
    };
  }
  if (result.synthetic)
    parameters['switchboard.synthetic'] = { parameterChoice: { case: 'boolParam', value: true } };
  return parameters;
}

/** The Open Inference Protocol handlers: health, metadata and ModelInfer through the job queue. */
export function createInferenceHandlers(
  options: InferenceServiceOptions,
): ServiceHandlers<typeof GRPCInferenceService> {
  const { snapshot, presence, dispatcher, logger } = options;
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: options.isReady() }),
    modelReady: async (request) => {
      const { model } = resolveTarget(snapshot, presence, request.name, request.version);
      return { ready: options.isReady() && presence.isServed(model.name, model.version) };
    },
    serverMetadata: async () => ({ name: 'switchboard', version: options.serverVersion, extensions: [] }),
    modelMetadata: async (request) => {
      const { model } = resolveTarget(snapshot, presence, request.name, request.version);
      return {
        name: request.name,
        versions: model.versions.length > 0 ? model.versions : [model.version],
        platform: platformOf(model),
        inputs: model.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
        outputs: model.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
      };
    },
    modelInfer: async (request, call) => {
      const { model, route } = resolveTarget(snapshot, presence, request.modelName, request.modelVersion);
      decodeInferInputs(request, model.inputs, { maxRequestBytes: options.maxRequestBytes });
      validateRequestedOutputs(request, model.outputs);
      const { priority, deadlineUnixMs } = readRequestOptions(
        request,
        call.getDeadline(),
        options.defaultTimeoutMs,
      );
      const requestId = randomUUID();
      const result = await dispatcher.dispatch(
        {
          requestId,
          model: model.name,
          version: model.version,
          route: route?.name ?? '',
          request,
          priority,
          traceparent: '',
        },
        deadlineUnixMs,
      );
      if (result.status !== undefined && result.status.code !== 0) throw fromStatusData(result.status);
      logger.debug({ requestId, model: model.name, worker: result.workerId }, 'request answered');
      return {
        modelName: request.modelName,
        modelVersion: model.version,
        id: request.id,
        outputs: result.response?.outputs ?? [],
        rawOutputContents: result.response?.rawOutputContents ?? [],
        parameters: {
          ...result.response?.parameters,
          ...responseParameters(model, result, route?.name ?? ''),
        },
      };
    },
  };
}
