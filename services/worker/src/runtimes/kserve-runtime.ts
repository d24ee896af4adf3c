import { ExecutionError, FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';
import { countBatchRows, encodeInputs } from '@switchboard/tensors';
import type { Tensor } from '@switchboard/tensors';
import { createCallLimit } from './kserve-call-limit.js';
import type { CallLimit } from './kserve-call-limit.js';
import { createKserveClient } from './kserve-client.js';
import type { KserveClient } from './kserve-client.js';
import { findIncompatibility } from './kserve-compatibility.js';
import { describeCallError, toInferError } from './kserve-errors.js';
import { parseKserveOptions } from './kserve-options.js';
import type { ResolvedKserveOptions } from './kserve-options.js';
import { outputsFromResponse } from './kserve-response.js';
import type { BatchOutput, LoadedModel, Runtime } from './runtime.js';

/**
 * The `kserve` runtime: serves a model that runs on a KServe v2 / Triton upstream, calling it over
 * gRPC with the Open Inference Protocol (options in `runtime_options`, see the worker README).
 * The weights live upstream, so a loaded model's footprint is 0, and nothing needs warming up.
 */
export function createKserveRuntime(): Runtime {
  return { name: 'kserve', load: loadKserveModel };
}

/**
 * Connects to the upstream and checks with ModelReady and ModelMetadata that its model is ready
 * and matches the registry's inputs and outputs.
 * @throws FailedPreconditionError naming the model and address when an option is malformed, the
 *   upstream does not answer, its model is not ready or does not match.
 */
async function loadKserveModel(spec: ModelSpec): Promise<LoadedModel> {
  const options = parseKserveOptions(spec);
  const version = options.modelVersion === '' ? '' : ` version "${options.modelVersion}"`;
  const upstream = `model "${options.modelName}"${version} at ${options.address}`;
  const client = createKserveClient(options.address, options.tls);
  try {
    await checkUpstream(client, spec, options, upstream);
  } catch (error) {
    client.close();
    throw error;
  }
  return new KserveModel(client, spec, options, upstream);
}

async function checkUpstream(
  client: KserveClient,
  spec: ModelSpec,
  options: ResolvedKserveOptions,
  upstream: string,
): Promise<void> {
  const request = { name: options.modelName, version: options.modelVersion };
  const refuse = (problem: string, cause?: unknown) =>
    new FailedPreconditionError(`cannot load kserve model ${spec.name}: upstream ${upstream} ${problem}`, {
      cause,
    });
  let ready: boolean;
  try {
    ready = (await client.modelReady(request, options.timeoutMs)).ready;
  } catch (error) {
    throw refuse(`did not answer ModelReady: ${describeCallError(error)}`, error);
  }
  if (!ready) throw refuse('is not ready');
  let metadata;
  try {
    metadata = await client.modelMetadata(request, options.timeoutMs);
  } catch (error) {
    throw refuse(`did not answer ModelMetadata: ${describeCallError(error)}`, error);
  }
  const problem = findIncompatibility(spec, metadata);
  if (problem !== undefined) throw refuse(`does not match the registry: ${problem}`);
}

/**
 * A model served by an upstream: one ModelInfer per batch, at most `max_in_flight` at a time.
 * Unload waits for calls in flight, then closes the channel.
 */
class KserveModel implements LoadedModel {
  /** The weights live upstream; the worker holds only a channel. */
  readonly footprintBytes = 0;
  readonly synthetic = false;
  readonly #client: KserveClient;
  readonly #spec: ModelSpec;
  readonly #options: ResolvedKserveOptions;
  readonly #upstream: string;
  readonly #limit: CallLimit;
  readonly #running = new Set<Promise<unknown>>();
  #unloading: Promise<void> | undefined;

  constructor(client: KserveClient, spec: ModelSpec, options: ResolvedKserveOptions, upstream: string) {
    this.#client = client;
    this.#spec = spec;
    this.#options = options;
    this.#upstream = upstream;
    this.#limit = createCallLimit(options.maxInFlight);
  }

  /**
   * Sends the batch's inputs (raw_input_contents, in the registry's order) in one ModelInfer and
   * returns the declared outputs in the registry's order.
   * @throws ExecutionError, retryable for UNAVAILABLE, DEADLINE_EXCEEDED (the call's timeout
   *   included) and RESOURCE_EXHAUSTED and when the model was unloaded; not retryable for other
   *   statuses, carrying the upstream's message, and for a response that lacks a declared output
   *   or has one of another datatype or shape.
   */
  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    if (this.#unloading !== undefined) {
      throw new ExecutionError(`kserve model ${this.#spec.name} was unloaded`, { retryable: true });
    }
    const call = this.#limit.run(() => this.#call(inputs));
    this.#running.add(call);
    try {
      return await call;
    } finally {
      this.#running.delete(call);
    }
  }

  /** Closes the channel once calls in flight are over. Idempotent: later calls share the first. */
  unload(): Promise<void> {
    this.#unloading ??= (async () => {
      // A failed call has already been reported to its caller; here it only needs to be over.
      await Promise.allSettled(this.#running);
      this.#client.close();
    })();
    return this.#unloading;
  }

  async #call(inputs: Tensor[]): Promise<BatchOutput> {
    const rows = countBatchRows(inputs);
    const encoded = encodeInputs(inputs, 'raw');
    let response;
    try {
      response = await this.#client.modelInfer(
        {
          modelName: this.#options.modelName,
          modelVersion: this.#options.modelVersion,
          inputs: encoded.inputs,
          outputs: this.#spec.outputs.map(({ name }) => ({ name })),
          rawInputContents: encoded.rawInputContents,
        },
        this.#options.timeoutMs,
      );
    } catch (error) {
      throw toInferError(error, this.#upstream);
    }
    const outputs = outputsFromResponse(response, {
      declared: this.#spec.outputs,
      rows,
      upstream: this.#upstream,
    });
    return { outputs };
  }
}
