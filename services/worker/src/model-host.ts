import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import type { BatchingKnob, ModelSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { loadWarmModel } from './load-warm-model.js';
import { ModelServer } from './model-server.js';
import type { HostedVersion } from './model-server.js';
import type { ModelServerObserver } from './model-server-observer.js';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';

/**
 * The worker checks its inputs again but need not enforce the router's size limit; this only guards
 * against absurd jobs. (NATS' max payload bounds jobs long before this.)
 */
const WORKER_MAX_REQUEST_BYTES = 256 * 1024 * 1024;

/** A model a worker serves, as {@link ModelHost.loaded} reports it. */
export interface HostedModel {
  spec: ModelSpec;
  /** Every loaded version, the current one first. */
  versions: HostedVersion[];
  footprintBytes: number;
  inFlight: number;
  /** How long its batches may wait for more jobs, ms: the knob's delay, else the registry's; 0 without batching. */
  maxQueueDelayMs: number;
}

/** A wanted model that is not served, and why. */
export interface ModelFailure {
  model: string;
  reason: string;
}

interface Hosted {
  spec: ModelSpec;
  model: LoadedModel;
  server: ModelServer;
}

export interface ModelHostOptions {
  connection: NatsConnection;
  jetstream: JetStreamClient;
  manager: JetStreamManager;
  names: SubjectNames;
  snapshot: RegistrySnapshot;
  runtimes: Map<string, Runtime>;
  workerId: string;
  ackWaitMs: number;
  maxAttempts: number;
  drainGraceMs: number;
  /** Memory the loaded models may hold together, bytes; a model that would exceed it is not loaded. */
  memoryBytes: number;
  logger: Logger;
  /** Called after the loaded models changed, and when a load starts. */
  onChange: () => void;
  /** Handed to every model server, e.g. for Prometheus metrics; told of every load's cold start. */
  observer?: ModelServerObserver;
  /** The batching knob in force for a model, read when the model loads. */
  batchingKnob?: (model: string) => BatchingKnob | undefined;
}

/**
 * Keeps the models a worker should serve loaded and served: loads a model once the registry knows it
 * (and warms it up before pulling its jobs), reloads it when its version, artifact or runtime
 * changes, and drains and unloads it when it is deleted or no longer wanted. Changes are applied one
 * at a time, unloads before loads, and never past `memoryBytes`. Other versions of a model are
 * loaded on demand by its ModelServer, and unloaded with it.
 */
export class ModelHost {
  readonly #hosted = new Map<string, Hosted>();
  readonly #loading = new Set<string>();
  /** Why wanted models are not served; only wanted models are kept, so this stays bounded. */
  readonly #failures = new Map<string, string>();
  #wanted: string[] = [];
  #applying: Promise<void> = Promise.resolve();

  constructor(private readonly options: ModelHostOptions) {}

  /** Sets the models to serve and applies the difference; resolves once applied. */
  serve(models: readonly string[]): Promise<void> {
    this.#wanted = [...new Set(models)];
    return this.reconcile();
  }

  /** Re-applies the wanted set against the registry snapshot; safe to call on every registry change. */
  reconcile(): Promise<void> {
    this.#applying = this.#applying.then(() => this.#apply());
    return this.#applying;
  }

  /**
   * The models loaded and being served right now, with every version loaded: the current one first,
   * then those loaded on demand for jobs that asked for them. `footprintBytes` is their sum.
   */
  loaded(): HostedModel[] {
    return [...this.#hosted.values()].map(({ spec, server }) => {
      const versions = server.loadedVersions();
      return {
        spec,
        versions,
        footprintBytes: versions.reduce((sum, version) => sum + version.footprintBytes, 0),
        inFlight: server.inFlight,
        maxQueueDelayMs: server.maxQueueDelayMs,
      };
    });
  }

  /** Models being loaded and warmed up, not serving yet. */
  loading(): string[] {
    return [...this.#loading];
  }

  /** Wanted models that are not served, and why (unknown, no runtime, no room, load error). */
  failures(): ModelFailure[] {
    return [...this.#failures].map(([model, reason]) => ({ model, reason }));
  }

  /** Memory the loaded models hold, every loaded version counted, bytes. */
  memoryUsedBytes(): number {
    return this.loaded().reduce((sum, model) => sum + model.footprintBytes, 0);
  }

  /**
   * Memory `model` takes, bytes: the registry's `memory_bytes`, or what it measurably holds when
   * loaded, whichever is larger; 0 when the registry does not know it.
   */
  memoryNeededBytes(model: string): number {
    const declared = Number(this.options.snapshot.getModel(model)?.memoryBytes ?? 0n);
    const hosted = this.loaded().find(({ spec }) => spec.name === model);
    return Math.max(declared, hosted?.footprintBytes ?? 0);
  }

  /** Applies a model's new batching knob (undefined: removed) if the model is loaded; see ModelServer. */
  applyBatchingKnob(model: string, knob: BatchingKnob | undefined): void {
    this.#hosted.get(model)?.server.applyBatchingKnob(knob);
  }

  /** Stops serving every model (draining each) and unloads them. */
  async stop(): Promise<void> {
    this.#wanted = [];
    await this.reconcile();
  }

  async #apply(): Promise<void> {
    const unloads = [...this.#hosted].flatMap(([name, hosted]) => {
      const spec = this.#wanted.includes(name) ? this.options.snapshot.getModel(name) : undefined;
      return spec === undefined || needsReload(hosted.spec, spec) ? [this.#unload(name, hosted)] : [];
    });
    // Drained side by side, and before anything loads, so their memory is free for what follows.
    await Promise.all(unloads);
    for (const name of this.#failures.keys()) if (!this.#wanted.includes(name)) this.#failures.delete(name);
    for (const name of this.#wanted) {
      if (this.#hosted.has(name)) continue;
      const spec = this.options.snapshot.getModel(name);
      if (spec === undefined) this.#fail(name, `model ${JSON.stringify(name)} is not in the registry`);
      else await this.#load(spec);
    }
  }

  /** Records why a wanted model is not served, logging it when the reason is new. */
  #fail(model: string, reason: string, error?: unknown): void {
    if (this.#failures.get(model) === reason) return;
    this.#failures.set(model, reason);
    this.options.logger.error({ err: error, model, reason }, 'model not served');
  }

  /** Bytes free for another model now. */
  #freeBytes(): number {
    return this.options.memoryBytes - this.memoryUsedBytes();
  }

  #roomFor(spec: ModelSpec, neededBytes: number): string | undefined {
    const freeBytes = this.#freeBytes();
    if (neededBytes <= freeBytes) return undefined;
    return (
      `model ${JSON.stringify(spec.name)} needs ${neededBytes} bytes of memory; ` +
      `${freeBytes} of the worker's ${this.options.memoryBytes} are free`
    );
  }

  async #load(spec: ModelSpec): Promise<void> {
    const runtime = this.options.runtimes.get(spec.runtime);
    if (runtime === undefined) {
      this.#fail(spec.name, `runtime ${JSON.stringify(spec.runtime)} is not available on this worker`);
      return;
    }
    const noRoom = this.#roomFor(spec, Number(spec.memoryBytes));
    if (noRoom !== undefined) {
      this.#fail(spec.name, noRoom);
      return;
    }
    this.#loading.add(spec.name);
    this.options.onChange();
    try {
      await this.#startServing(spec, runtime);
      this.#failures.delete(spec.name);
    } catch (error) {
      this.#fail(
        spec.name,
        `model ${JSON.stringify(spec.name)} failed to load: ${describeError(error)}`,
        error,
      );
    } finally {
      this.#loading.delete(spec.name);
      this.options.onChange();
    }
  }

  /** Loads, warms up and starts pulling; unloads again when any step fails. */
  async #startServing(spec: ModelSpec, runtime: Runtime): Promise<void> {
    const { logger, observer } = this.options;
    const { model, loadMs } = await loadWarmModel(runtime, spec);
    const knobOf = (name: string) => this.options.batchingKnob?.(name);
    try {
      // The registry's figure may understate what the model holds once loaded (an onnx file's size).
      const noRoom = this.#roomFor(spec, model.footprintBytes);
      if (noRoom !== undefined) throw new Error(noRoom);
      const server = new ModelServer({
        ...this.options,
        spec,
        model,
        loadMs,
        runtime,
        knob: knobOf(spec.name),
        latestSpec: () => this.options.snapshot.getModel(spec.name),
        maxRequestBytes: WORKER_MAX_REQUEST_BYTES,
        memoryFreeBytes: () => this.#freeBytes(),
      });
      await server.start();
      this.#hosted.set(spec.name, { spec, model, server });
      // A knob that changed while the server started found no hosted model to apply to.
      server.applyBatchingKnob(knobOf(spec.name));
    } catch (error) {
      await model.unload();
      throw error;
    }
    observer?.modelLoaded(spec.name, loadMs);
    const { footprintBytes, synthetic } = model;
    logger.info(
      { model: spec.name, version: spec.version, loadMs, footprintBytes, synthetic },
      'model loaded',
    );
  }

  async #unload(name: string, hosted: Hosted): Promise<void> {
    this.#hosted.delete(name);
    this.options.onChange();
    await hosted.server.stop(this.options.drainGraceMs);
    await hosted.model.unload();
    this.options.logger.info({ model: name }, 'model unloaded');
    this.options.onChange();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Fields that change what a worker runs; cost or quality edits do not reload a model. */
function servingKey(spec: ModelSpec): string {
  const { version, artifact, runtime, runtimeOptions, batching, inputs, outputs } = spec;
  const tensors = [...inputs, ...outputs].map((tensor) => [
    tensor.name,
    tensor.datatype,
    tensor.shape.map(String),
  ]);
  return JSON.stringify([
    version,
    artifact,
    runtime,
    runtimeOptions,
    batching?.mode,
    batching?.maxBatchSize,
    batching?.maxQueueDelayUs,
    batching?.maxStepTokens,
    batching?.preferredBatchSizes,
    String(batching?.maxBatchUnits ?? 0n),
    tensors,
  ]);
}

function needsReload(current: ModelSpec, next: ModelSpec): boolean {
  return servingKey(current) !== servingKey(next);
}
