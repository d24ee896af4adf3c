import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import type { BatchingKnob, ModelSpec } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { ModelServer } from './model-server.js';
import type { ModelServerObserver } from './model-server-observer.js';
import type { LoadedVersion } from './model-versions.js';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';

/**
 * The worker checks its inputs again but need not enforce the router's size limit; this only guards
 * against absurd jobs. (NATS' max payload bounds jobs long before this.)
 */
const WORKER_MAX_REQUEST_BYTES = 256 * 1024 * 1024;

/** A model a worker serves, as {@link ModelHost.loaded} reports it. */
export interface HostedModel {
  spec: ModelSpec;
  versions: LoadedVersion[];
  footprintBytes: number;
  inFlight: number;
  /** How long its batches may wait for more jobs, ms: the knob's delay, else the registry's; 0 without batching. */
  maxQueueDelayMs: number;
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
  logger: Logger;
  /** Called after the set of loaded models changed. */
  onChange: () => void;
  /** Handed to every model server, e.g. for Prometheus metrics. */
  observer?: ModelServerObserver;
  /** The batching knob in force for a model, read when the model loads. */
  batchingKnob?: (model: string) => BatchingKnob | undefined;
}

/**
 * Keeps the models a worker should serve loaded and served: loads a model once the registry knows it,
 * reloads it when its version, artifact or runtime changes, and unloads it when it is deleted.
 * Changes are applied one at a time. Other versions of a model are loaded on demand by its
 * ModelServer, and unloaded with it.
 */
export class ModelHost {
  readonly #hosted = new Map<string, Hosted>();
  #wanted: string[] = [];
  #applying: Promise<void> = Promise.resolve();

  constructor(private readonly options: ModelHostOptions) {}

  /** Sets the models to serve and applies the difference. */
  serve(models: string[]): Promise<void> {
    this.#wanted = [...models];
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
    for (const [name, hosted] of [...this.#hosted]) {
      const spec = this.#wanted.includes(name) ? this.options.snapshot.getModel(name) : undefined;
      if (spec === undefined || needsReload(hosted.spec, spec)) await this.#unload(name, hosted);
    }
    for (const name of this.#wanted) {
      const spec = this.options.snapshot.getModel(name);
      if (spec !== undefined && !this.#hosted.has(name)) await this.#load(spec);
    }
  }

  async #load(spec: ModelSpec): Promise<void> {
    const { logger, runtimes } = this.options;
    const runtime = runtimes.get(spec.runtime);
    if (runtime === undefined) {
      logger.error(
        { model: spec.name, runtime: spec.runtime },
        'model needs a runtime this worker does not have',
      );
      return;
    }
    const knobOf = (name: string) => this.options.batchingKnob?.(name);
    try {
      const model = await runtime.load(spec);
      const server = new ModelServer({
        ...this.options,
        spec,
        model,
        runtime,
        knob: knobOf(spec.name),
        latestSpec: () => this.options.snapshot.getModel(spec.name),
        maxRequestBytes: WORKER_MAX_REQUEST_BYTES,
      });
      await server.start();
      this.#hosted.set(spec.name, { spec, model, server });
      // A knob that changed while the server started found no hosted model to apply to.
      server.applyBatchingKnob(knobOf(spec.name));
      logger.info({ model: spec.name, version: spec.version, synthetic: model.synthetic }, 'model loaded');
      this.options.onChange();
    } catch (error) {
      logger.error({ err: error, model: spec.name }, 'model failed to load');
    }
  }

  async #unload(name: string, hosted: Hosted): Promise<void> {
    this.#hosted.delete(name);
    this.options.onChange();
    await hosted.server.stop(this.options.drainGraceMs);
    await hosted.model.unload();
    this.options.logger.info({ model: name }, 'model unloaded');
  }
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
    tensors,
  ]);
}

function needsReload(current: ModelSpec, next: ModelSpec): boolean {
  return servingKey(current) !== servingKey(next);
}
