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
import type { LoadedModel, Runtime } from './runtimes/runtime.js';

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

/** A loaded version and what it holds, e.g. for heartbeats. */
export interface LoadedVersion {
  readonly version: string;
  readonly footprintBytes: number;
}

/** What {@link ModelVersions} needs: the hosted version and how to load others. */
export interface ModelVersionsOptions {
  /** The hosted spec; its version is the current one, served by `current`. */
  spec: ModelSpec;
  current: LoadedModel;
  /** The runtime that loaded `current`; other versions load with it too. */
  runtime: Runtime;
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
    if (version === this.options.spec.version) return { served: this.#current, release: () => undefined };
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
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#release(used);
    };
    try {
      return { served: await used.loading, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The current version first, then every other version that finished loading. */
  loaded(): LoadedVersion[] {
    const extras = [...this.#extras.values()].flatMap(({ version, served }) =>
      served === undefined ? [] : [{ version, footprintBytes: served.model.footprintBytes }],
    );
    return [
      { version: this.options.spec.version, footprintBytes: this.options.current.footprintBytes },
      ...extras,
    ];
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
      loading: (artifact === undefined
        ? Promise.reject(
            new NotFoundError(`model ${JSON.stringify(spec.name)} has no version ${JSON.stringify(version)}`),
          )
        : this.options.runtime.load(spec)
      ).then(
        (model) => {
          entry.served = { spec, model };
          this.options.logger.info({ version, synthetic: model.synthetic }, 'model version loaded');
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
