import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError, FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec, TensorSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { elementCount } from '@switchboard/tensors';
import type { BatchOutput, LoadedModel, Runtime } from './runtime.js';
import { createSeededRandom } from './create-seeded-random.js';
import { simulateLoad } from './simulate-load.js';

/**
 * The calibrated latency and confidence model behind a synthetic model, read from
 * ModelSpec.runtime_options (all optional):
 * - `base_latency_ms`, `per_item_ms`, `per_unit_us` (per input element), `jitter_ms`: a batch takes
 *   base + per_item × rows + per_unit × elements + uniform jitter;
 * - `confidence_mean`, `confidence_spread`: each row's confidence is drawn uniformly around the mean,
 *   keyed by the row's content, so the same input always gets the same confidence;
 * - `failure_rate`: fraction of batches that fail with a retryable error;
 * - `seed`: makes jitter and failures reproducible;
 * - `load_ms`: how long loading takes, a simulated cold start.
 */
interface SyntheticBehaviour {
  baseLatencyMs: number;
  perItemMs: number;
  perUnitUs: number;
  jitterMs: number;
  confidenceMean: number;
  confidenceSpread: number;
  failureRate: number;
  seed: number;
  loadMs: number;
}

/** Parses runtime options into a behaviour. @throws FailedPreconditionError on a non-numeric option. */
function parseSyntheticBehaviour(options: Record<string, string>): SyntheticBehaviour {
  const read = (key: string, fallback: number) => {
    const text = options[key];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      throw new FailedPreconditionError(`synthetic runtime option ${key}="${text}" must be a number >= 0`);
    }
    return value;
  };
  return {
    baseLatencyMs: read('base_latency_ms', 0),
    perItemMs: read('per_item_ms', 0),
    perUnitUs: read('per_unit_us', 0),
    jitterMs: read('jitter_ms', 0),
    confidenceMean: Math.min(1, read('confidence_mean', 0.9)),
    confidenceSpread: read('confidence_spread', 0),
    failureRate: Math.min(1, read('failure_rate', 0)),
    seed: read('seed', 1),
    loadMs: read('load_ms', 0),
  };
}

/** FNV-1a over a row's bytes: the per-input key for confidence. */
function hashBytes(bytes: Uint8Array, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

function rowBytes(tensor: Tensor, row: number, rows: number): Uint8Array {
  if (Array.isArray(tensor.data)) return tensor.data[row] ?? new Uint8Array();
  const view = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const rowLength = view.byteLength / Math.max(rows, 1);
  return view.subarray(row * rowLength, (row + 1) * rowLength);
}

/** FP32 outputs shaped [rows, k]: a one-hot-like distribution whose top probability is the row's confidence. */
function makeOutput(spec: TensorSpec, rows: number, confidences: Float64Array, keys: number[]): Tensor {
  const width = spec.shape.slice(1).reduce((product, dim) => product * (dim > 0n ? Number(dim) : 1), 1);
  const data = new Float32Array(rows * width);
  for (let row = 0; row < rows; row += 1) {
    const confidence = confidences[row] ?? 0;
    const top = (keys[row] ?? 0) % width;
    const rest = width > 1 ? (1 - confidence) / (width - 1) : 0;
    for (let column = 0; column < width; column += 1)
      data[row * width + column] = column === top ? confidence : rest;
  }
  const shape = [rows, ...spec.shape.slice(1).map((dim) => (dim > 0n ? Number(dim) : 1))];
  return { name: spec.name, datatype: 'FP32', shape, data };
}

class SyntheticModel implements LoadedModel {
  readonly footprintBytes: number;
  readonly synthetic = true;
  readonly #random: () => number;

  constructor(
    private readonly spec: ModelSpec,
    private readonly behaviour: SyntheticBehaviour,
  ) {
    this.footprintBytes = Number(spec.memoryBytes);
    this.#random = createSeededRandom(behaviour.seed);
  }

  async infer(inputs: Tensor[]): Promise<BatchOutput> {
    const rows = inputs[0]?.shape[0] ?? 1;
    const elements = inputs.reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
    const { baseLatencyMs, perItemMs, perUnitUs, jitterMs, failureRate } = this.behaviour;
    const latencyMs =
      baseLatencyMs + perItemMs * rows + (perUnitUs * elements) / 1000 + jitterMs * this.#random();
    if (latencyMs > 0) await sleep(latencyMs);
    if (this.#random() < failureRate) {
      throw new ExecutionError(`synthetic model ${this.spec.name} failed (failure_rate=${failureRate})`);
    }
    const keys = Array.from({ length: rows }, (_, row) =>
      hashBytes(inputs[0] ? rowBytes(inputs[0], row, rows) : new Uint8Array(), this.behaviour.seed),
    );
    const { confidenceMean, confidenceSpread } = this.behaviour;
    const confidences = Float64Array.from(keys, (key) =>
      Math.min(1, Math.max(0, confidenceMean + confidenceSpread * ((key / 4_294_967_296) * 2 - 1))),
    );
    const outputs = this.spec.outputs.map((output) => makeOutput(output, rows, confidences, keys));
    return { outputs, confidences };
  }

  async unload(): Promise<void> {}
}

/**
 * The `synthetic` runtime: no real model, a seeded latency and confidence model instead. Used for
 * benchmarks and scheduling tests; every answer it produces is flagged synthetic. A loaded model's
 * footprint is the spec's `memory_bytes`, so placement by memory can be exercised without weights.
 */
export function createSyntheticRuntime(): Runtime {
  return {
    name: 'synthetic',
    async load(spec) {
      const unsupported = spec.outputs.find((output) => output.datatype !== 'FP32');
      if (unsupported !== undefined) {
        throw new FailedPreconditionError(
          `synthetic model ${spec.name} declares output ${unsupported.name} as ${unsupported.datatype}; synthetic outputs are FP32`,
        );
      }
      const behaviour = parseSyntheticBehaviour(spec.runtimeOptions);
      await simulateLoad(behaviour.loadMs);
      return new SyntheticModel(spec, behaviour);
    },
  };
}
