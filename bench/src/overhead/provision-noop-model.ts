import { status } from '@grpc/grpc-js';
import type { GrpcCallError } from '@switchboard/grpc';
import { BatchingMode, Modality } from '@switchboard/protocol';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import type { RegistryClient } from '../shared/start-switchboard-stack.js';
import { MODEL_NAME } from './oip-proto.js';

/** The no-op synthetic model: no runtime options means zero latency, so (c) measures only the path. */
const NOOP_MODEL = {
  name: MODEL_NAME,
  runtime: 'synthetic',
  task: 'classification',
  modality: Modality.STRUCTURED,
  inputs: [{ name: 'features', datatype: 'FP32', shape: [-1n, 4n] }],
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
  // Delay 0: a batch runs as soon as the worker is free, and batches still form under load.
  batching: { mode: BatchingMode.DYNAMIC, maxBatchSize: 64, maxQueueDelayUs: 0 },
  runtimeOptions: {},
};

function isAlreadyExists(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as GrpcCallError).code === status.ALREADY_EXISTS
  );
}

/**
 * Registers the `noop` model. Registry rows live in Postgres, which namespaces do not separate, so
 * with a shared DATABASE_URL the model may exist already; it is then updated to this spec and left in
 * place afterwards. A model this call created is deleted again by `cleanup`.
 * @throws GrpcCallError when the registry refuses the spec or cannot be reached.
 */
export async function provisionNoopModel(registry: RegistryClient, cleanup: CleanupStack): Promise<void> {
  try {
    await registry.registerModel({ model: NOOP_MODEL });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    await registry.updateModel({ model: NOOP_MODEL });
    return;
  }
  cleanup.add(`deleting model ${MODEL_NAME} from the registry`, async () => {
    await registry.deleteModel({ name: MODEL_NAME });
  });
}
