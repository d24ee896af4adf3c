import { create } from '@bufbuild/protobuf';
import { BatchingMode, DataType, ModelConfigSchema } from '@switchboard/protocol';
import type { ModelConfig, ModelSpec, TensorSpec } from '@switchboard/protocol';
import type { Tenant } from '../authenticate.js';
import { tritonNamesOf } from './triton-names.js';
import { resolveVisibleModel } from './visible-model.js';
import type { FrontDoorContext } from './visible-model.js';

/** Triton's name of an OIP datatype: `TYPE_` + the datatype, and TYPE_STRING for BYTES. */
function toDataType(datatype: string): DataType {
  if (datatype === 'BYTES') return DataType.TYPE_STRING;
  return DataType[`TYPE_${datatype}` as keyof typeof DataType] ?? DataType.TYPE_INVALID;
}

/** Whether the model batches, so its shapes' first dimension is the batch (Triton's max_batch_size > 0). */
function batchSizeOf(model: ModelSpec): number {
  const batching = model.batching;
  if (batching === undefined || batching.mode === BatchingMode.NONE) return 0;
  if (batching.mode === BatchingMode.UNSPECIFIED || batching.maxBatchSize === 0) return 0;
  return batching.maxBatchSize;
}

function toTensor(tensor: TensorSpec, batched: boolean) {
  return {
    name: tensor.name,
    dataType: toDataType(tensor.datatype),
    // Triton leaves the batch dimension out of dims when max_batch_size > 0.
    dims: batched ? tensor.shape.slice(1) : tensor.shape,
  };
}

/** Triton's version policy: the served version when it is a number (Triton's versions are), else the latest. */
function versionPolicyOf(model: ModelSpec) {
  return /^[0-9]{1,18}$/.test(model.version)
    ? { policyChoice: { case: 'specific' as const, value: { versions: [BigInt(model.version)] } } }
    : { policyChoice: { case: 'latest' as const, value: { numVersions: 1 } } };
}

/**
 * A registry model as Triton's ModelConfig: name (the name the caller used), platform and backend,
 * max_batch_size (0 without batching), inputs and outputs (without the batch dimension when
 * batching), dynamic batching with its preferred sizes and queue delay, and the version policy.
 */
export function toModelConfig(model: ModelSpec, name: string = model.name): ModelConfig {
  const maxBatchSize = batchSizeOf(model);
  const batching = model.batching;
  const names = tritonNamesOf(model);
  return create(ModelConfigSchema, {
    name,
    ...names,
    versionPolicy: versionPolicyOf(model),
    maxBatchSize,
    input: model.inputs.map((tensor) => toTensor(tensor, maxBatchSize > 0)),
    output: model.outputs.map((tensor) => toTensor(tensor, maxBatchSize > 0)),
    schedulingChoice:
      batching?.mode === BatchingMode.DYNAMIC
        ? {
            case: 'dynamicBatching',
            value: {
              preferredBatchSize: batching.preferredBatchSizes,
              maxQueueDelayMicroseconds: BigInt(batching.maxQueueDelayUs),
            },
          }
        : { case: undefined },
  });
}

/**
 * ModelConfig for a name (a model, or a route by its representative model) the tenant may call.
 * @throws as {@link resolveVisibleModel}.
 */
export function readModelConfig(
  context: FrontDoorContext,
  tenant: Tenant,
  name: string,
  version: string,
): ModelConfig {
  return toModelConfig(resolveVisibleModel(context, tenant, name, version), name);
}
