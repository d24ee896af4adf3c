import { clone } from '@bufbuild/protobuf';
import {
  FailedPreconditionError,
  NotFoundError,
  SwitchboardError,
  UnavailableError,
} from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { loadWarmModel } from './load-warm-model.js';
import type { LoadedModel, Runtime } from './runtimes/runtime.js';
import { VersionUsage } from './version-usage.js';

/**
 * Versions other than the current one a model keeps loaded at most. Each holds its own copy of the
 * weights, and a rollout rarely runs more than a canary and a previous version beside the current
 * one; past the bound the least recently used version is unloaded (once no batch runs on it) and
 * loaded again when jobs ask for it, which is slow but correct.
 */
const MAX_EXTRA_VERSIONS = 2;

/** A version of a model ready to run: its spec (version and artifact of that version) and the loaded model. */
export interface ServedVersion {
  readonly spec: ModelSpec;
  readonly model: LoadedModel;
}

/** The use of a version by one batch; the version is not unloaded before the lease is released. */
export interface VersionLease {
  readonly served: ServedVersion;
  /** Ends the use. Idempotent. */
  release(): void;
}

/** A loaded version, what it holds and how it is used, e.g. for heartbeats. */
export interface LoadedVersion {
  readonly version: string;
  readonly footprintBytes: number;
  /** Its cold start: load plus warm-up, ms. */
  readonly loadMs: number;
  /** When a batch last started on it, Unix ms; 0 when none has. */
  readonly lastUsedUnixMs: number;
  /** Time batches have run on it since it loaded, ms; only grows. */
  readonly busyMs: number;
}

/** What {@link ModelVersions} needs: the hosted version and how to load others. */
export interface ModelVersionsOptions {
  /** The hosted spec; its version is the current one, served by `current`. */
  spec: ModelSpec;
  current: LoadedModel;
  /** How long `current` took to load and warm up, ms. */
  currentLoadMs: number;
  /** The runtime that loaded `current`; other versions load with it too. */
  runtime: Runtime;
  /**
   * Memory the worker has free, bytes: another version whose registry `memory_bytes` exceeds it is
   * not loaded. Unbounded when left out.
   */
  memoryFreeBytes?: () => number;
  /** Told of every other version loaded, with its cold start. */
  onLoaded?: (version: string, loadMs: number) => void;
  /** Called after another version was loaded or unloaded. */
  onChange?: () => void;
  /**
   * The model's latest spec in the registry snapshot, for versions registered after `spec` was
   * loaded (the router may see an update a moment before this worker reloads).
   */
  latestSpec: () => ModelSpec | undefined;
  logger: Logger;
}

interface ExtraVersion {
  readonly version: string;
  readonly loading: Promise<ServedVersion>;
  /** Set once loaded. */
  served?: ServedVersion;
  /** Set once loaded: load plus warm-up, ms. */
  loadMs?: number;
  readonly usage: VersionUsage;
  /** Batches holding a lease on it. */
  users: number;
  /** Out of the cache; unloaded when the last user releases it. */
  evicted: boolean;
}

/**
 * The versions of one hosted model a worker runs: the current one, loaded by the host, and other
 * registered versions (`ModelSpec.versionArtifacts`) loaded on demand with the same runtime from a
 * copy of the spec with that version's `version` and `artifact`. Concurrent requests for a version
 * share one load; a failed load is not cached, so the next batch tries again.
 */
export class ModelVersions {
  /** Insertion order is use order: the first entry is the least recently used. */
  readonly #extras = new Map<string, ExtraVersion>();
  readonly #unloading = new Set<Promise<void>>();
  readonly #current: ServedVersion;
  readonly #currentUsage = new VersionUsage();
  #closed = false;

  constructor(private readonly options: ModelVersionsOptions) {
    this.#current = { spec: options.spec, model: options.current };
  }

  /**
   * The version a job asks for: empty means the current one.
   * @throws NotFoundError naming the model and its versions when it has no such version.
   */
  resolve(requested: string): string {
    const version = requested === '' ? this.options.spec.version : requested;
    if (version === this.options.spec.version || this.#artifactOf(version) !== undefined) return version;
    const latest = this.options.latestSpec() ?? this.options.spec;
    const known = latest.versions.length > 0 ? latest.versions : [this.options.spec.version];
    throw new NotFoundError(
      `model ${JSON.stringify(this.options.spec.name)} has no version ${JSON.stringify(version)}; ` +
        `its versions are ${known.map((each) => JSON.stringify(each)).join(', ')}`,
    );
  }

  /**
   * The version, loaded (now, when it is not loaded yet), for one batch to run on.
   * @throws NotFoundError when the model has no such version.
   * @throws FailedPreconditionError (or UnavailableError, when the runtime says retrying may help)
   * when it cannot be loaded.
   * @throws UnavailableError once the model is being unloaded.
   */
  async acquire(version: string): Promise<VersionLease> {
    if (version === this.options.spec.version) return this.#lease(this.#current, this.#currentUsage);
    if (this.#closed) {
      throw new UnavailableError(`model ${JSON.stringify(this.options.spec.name)} is being unloaded`);
    }
    let entry = this.#extras.get(version);
    if (entry === undefined) {
      entry = this.#startLoading(version);
      this.#extras.set(version, entry);
      this.#evictBeyondBound();
    } else {
      this.#extras.delete(version);
      this.#extras.set(version, entry);
    }
    const used = entry;
    used.users += 1;
    let served: ServedVersion;
    try {
      served = await used.loading;
    } catch (error) {
      this.#release(used);
      throw error;
    }
    const lease = this.#lease(served, used.usage);
    let released = false;
    return {
      served,
      release: () => {
        if (released) return;
        released = true;
        lease.release();
        this.#release(used);
      },
    };
  }

  /** A lease that counts the batch's time as the version's use. */
  #lease(served: ServedVersion, usage: VersionUsage): VersionLease {
    usage.begin();
    let released = false;
    return {
      served,
      release: () => {
        if (released) return;
        released = true;
        usage.end();
      },
    };
  }

  /** The current version first, then every other version that finished loading. */
  loaded(): LoadedVersion[] {
    const nowMs = Date.now();
    const describe = (version: string, model: LoadedModel, loadMs: number, usage: VersionUsage) => ({
      version,
      footprintBytes: model.footprintBytes,
      loadMs,
      lastUsedUnixMs: usage.lastUsedUnixMs,
      busyMs: usage.busyMs(nowMs),
    });
    const extras = [...this.#extras.values()].flatMap(({ version, served, loadMs, usage }) =>
      served === undefined ? [] : [describe(version, served.model, loadMs ?? 0, usage)],
    );
    const { spec, current, currentLoadMs } = this.options;
    return [describe(spec.version, current, currentLoadMs, this.#currentUsage), ...extras];
  }

  /**
   * Unloads every other version (not the current one: the host owns it). A version still leased is
   * unloaded when its batch releases it; callers drain batches first. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#extras.values()) this.#evict(entry);
    this.#extras.clear();
    await Promise.all([...this.#unloading]);
  }

  #artifactOf(version: string): string | undefined {
    // A version never changes its artifact, so whichever spec lists it is right.
    const hosted = this.options.spec.versionArtifacts;
    if (Object.hasOwn(hosted, version)) return hosted[version];
    const latest = this.options.latestSpec()?.versionArtifacts ?? {};
    return Object.hasOwn(latest, version) ? latest[version] : undefined;
  }

  #startLoading(version: string): ExtraVersion {
    const artifact = this.#artifactOf(version);
    const spec = clone(ModelSpecSchema, this.options.spec);
    spec.version = version;
    spec.artifact = artifact ?? '';
    const entry: ExtraVersion = {
      version,
      users: 0,
      evicted: false,
      usage: new VersionUsage(),
      loading: this.#loadExtra(spec, artifact).then(
        ({ model, loadMs }) => {
          entry.served = { spec, model };
          entry.loadMs = loadMs;
          const { footprintBytes, synthetic } = model;
          this.options.logger.info({ version, loadMs, footprintBytes, synthetic }, 'model version loaded');
          this.options.onLoaded?.(version, loadMs);
          this.options.onChange?.();
          return entry.served;
        },
        (error: unknown) => {
          if (this.#extras.get(version) === entry) this.#extras.delete(version);
          throw this.#toLoadError(error, version);
        },
      ),
    };
    return entry;
  }

  /** @throws NotFoundError without an artifact, UnavailableError when it does not fit the free memory. */
  async #loadExtra(spec: ModelSpec, artifact: string | undefined) {
    if (artifact === undefined) {
      throw new NotFoundError(
        `model ${JSON.stringify(spec.name)} has no version ${JSON.stringify(spec.version)}`,
      );
    }
    const freeBytes = this.options.memoryFreeBytes?.() ?? Infinity;
    // Each version holds its own copy of the weights; another worker may have the room.
    if (Number(spec.memoryBytes) > freeBytes) {
      throw new UnavailableError(
        `it needs ${spec.memoryBytes} bytes of memory and the worker has ${freeBytes} free`,
      );
    }
    return loadWarmModel(this.options.runtime, spec);
  }

  #toLoadError(error: unknown, version: string): SwitchboardError {
    if (error instanceof NotFoundError) return error;
    this.options.logger.error({ err: error, version }, 'model version failed to load');
    const detail = error instanceof SwitchboardError ? error.message : 'the runtime could not load it';
    const message = `cannot load version ${JSON.stringify(version)} of model ${JSON.stringify(this.options.spec.name)}: ${detail}`;
    return error instanceof SwitchboardError && error.retryable
      ? new UnavailableError(message, { cause: error })
      : new FailedPreconditionError(message, { cause: error });
  }

  #evictBeyondBound(): void {
    for (const entry of this.#extras.values()) {
      if (this.#extras.size <= MAX_EXTRA_VERSIONS) return;
      this.#extras.delete(entry.version);
      this.#evict(entry);
    }
  }

  #evict(entry: ExtraVersion): void {
    entry.evicted = true;
    if (entry.users === 0) this.#unload(entry);
  }

  #release(entry: ExtraVersion): void {
    entry.users -= 1;
    if (entry.evicted && entry.users === 0) this.#unload(entry);
  }

  #unload(entry: ExtraVersion): void {
    const unloading = entry.loading
      .then(
        async ({ model }) => {
          await model.unload();
          this.options.logger.info({ version: entry.version }, 'model version unloaded');
          this.options.onChange?.();
        },
        // It never loaded, so there is nothing to release; the failure was answered to its jobs.
        () => undefined,
      )
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, version: entry.version }, 'unloading a model version failed'),
      )
      .finally(() => this.#unloading.delete(unloading));
    this.#unloading.add(unloading);
  }
}
