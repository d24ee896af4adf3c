/** A live worker as placement sees it. */
export interface WorkerSlot {
  workerId: string;
  memoryCapacityBytes: number;
  /** Accepts nothing new, and its models are moved off. */
  draining: boolean;
  /** Loaded, loading or assigned. */
  models: { name: string; memoryBytes: number; lastUsedMs: number }[];
}

/** How many replicas of a model are wanted, and how many may stay while memory allows. */
export interface ReplicaWant {
  model: string;
  replicas: number;
  /** Replicas above `replicas` up to this many stay (a scale-down delay) unless memory is needed. */
  keepUpTo: number;
  memoryBytes: number;
}

/**
 * Why a replica moves: "replica-needed" (load), "scale-down" (above keepUpTo or not wanted),
 * "draining" (its worker drains), "memory" (evicted for room, or its worker is over its memory).
 */
export type PlacementMoveReason = 'replica-needed' | 'scale-down' | 'draining' | 'memory';

/** One load or unload on one worker. */
export interface PlacementMove {
  workerId: string;
  model: string;
  action: 'load' | 'unload';
  reason: PlacementMoveReason;
}

interface Replica {
  readonly memoryBytes: number;
  readonly lastUsedMs: number;
}

interface Host {
  readonly workerId: string;
  readonly capacityBytes: number;
  readonly draining: boolean;
  readonly models: Map<string, Replica>;
}

/**
 * The pool's model sets while a placement is worked out: the moves made so far and the rules that
 * pick them. Used once per placement.
 */
export class PoolLayout {
  readonly #hosts: Host[];
  readonly #wants = new Map<string, ReplicaWant>();
  readonly #unloads: PlacementMove[] = [];
  readonly #loads: PlacementMove[] = [];
  /** `workerId model` pairs unloaded here: loading one back would be two moves for nothing. */
  readonly #unloaded = new Set<string>();

  constructor(workers: readonly WorkerSlot[], wants: readonly ReplicaWant[]) {
    // A wanted model's footprint is the largest known: the want's or any worker's measure of it.
    const footprints = new Map<string, number>();
    for (const { name, memoryBytes } of workers.flatMap((worker) => worker.models)) {
      footprints.set(name, Math.max(memoryBytes, footprints.get(name) ?? 0));
    }
    for (const want of wants) {
      if (this.#wants.has(want.model)) continue;
      this.#wants.set(want.model, {
        ...want,
        keepUpTo: Math.max(want.replicas, want.keepUpTo),
        memoryBytes: Math.max(want.memoryBytes, footprints.get(want.model) ?? 0),
      });
    }
    this.#hosts = workers.map((worker) => ({
      workerId: worker.workerId,
      capacityBytes: worker.memoryCapacityBytes,
      draining: worker.draining,
      models: this.#replicasOf(worker),
    }));
  }

  /** Unloads what must go: draining workers' models, unwanted ones, replicas above keepUpTo, memory overruns. */
  shed(): void {
    for (const host of this.#hosts) {
      for (const model of [...host.models.keys()]) {
        if (host.draining) this.#unload(host, model, 'draining');
        else if (!this.#wants.has(model)) this.#unload(host, model, 'scale-down');
      }
    }
    for (const want of [...this.#wants.values()].sort(byModel)) {
      const holders = this.#holders(want.model).sort(
        (a, b) => this.#lastUsed(a, want.model) - this.#lastUsed(b, want.model) || byWorker(a, b),
      );
      for (const host of holders.slice(0, Math.max(0, holders.length - want.keepUpTo))) {
        this.#unload(host, want.model, 'scale-down');
      }
    }
    for (const host of this.#hosts) if (this.#freeBytes(host) < 0) this.#shedOverMemory(host);
  }

  /** Adds the missing replicas; returns those that found no worker. */
  addMissing(): { model: string; replicas: number; reason: string }[] {
    const unplaced: { model: string; replicas: number; reason: string }[] = [];
    const open = [...this.#wants.values()].filter((want) => this.#holders(want.model).length < want.replicas);
    while (open.length > 0) {
      open.sort(
        (a, b) =>
          this.#holders(a.model).length - this.#holders(b.model).length ||
          b.memoryBytes - a.memoryBytes ||
          byModel(a, b),
      );
      const want = open[0]!;
      const refusal = this.#placeOne(want);
      const held = this.#holders(want.model).length;
      if (refusal !== undefined)
        unplaced.push({ model: want.model, replicas: want.replicas - held, reason: refusal });
      if (refusal !== undefined || held >= want.replicas) open.shift();
    }
    return unplaced.sort(byModel);
  }

  /** Every worker's model set, names sorted. */
  assignments(): Map<string, string[]> {
    return new Map(this.#hosts.map((host) => [host.workerId, [...host.models.keys()].sort()]));
  }

  /** Unloads, then loads, in the order decided. */
  moves(): PlacementMove[] {
    return [...this.#unloads, ...this.#loads];
  }

  /**
   * Unloads from a worker holding more than its memory: surplus replicas first, least recently
   * used first, until it fits; then those that fit again are put back, the last unloaded first,
   * so no more is unloaded than needed.
   */
  #shedOverMemory(host: Host): void {
    const order = [...host.models.entries()].sort(
      ([modelA, a], [modelB, b]) =>
        Number(this.#isSurplus(modelB)) - Number(this.#isSurplus(modelA)) ||
        a.lastUsedMs - b.lastUsedMs ||
        modelA.localeCompare(modelB),
    );
    const shed: [string, Replica][] = [];
    for (const [model, replica] of order) {
      if (this.#freeBytes(host) >= 0) break;
      host.models.delete(model);
      shed.push([model, replica]);
    }
    for (const [model, replica] of shed.reverse()) {
      if (this.#freeBytes(host) >= replica.memoryBytes) host.models.set(model, replica);
      else this.#unload(host, model, 'memory');
    }
  }

  /** Loads one replica of `want`; returns why it could not, or undefined. */
  #placeOne(want: ReplicaWant): string | undefined {
    const active = this.#hosts.filter((host) => !host.draining);
    if (active.length === 0) return 'no worker accepts new models';
    const largest = Math.max(...active.map((host) => host.capacityBytes));
    if (want.memoryBytes > largest)
      return `needs ${want.memoryBytes} bytes, more than any worker's memory (${largest})`;
    const candidates = active.filter(
      (host) =>
        !host.models.has(want.model) &&
        host.capacityBytes >= want.memoryBytes &&
        !this.#unloaded.has(`${host.workerId}\u0000${want.model}`),
    );
    if (candidates.length === 0) return `replicas go on distinct workers and no other worker can hold it`;
    const roomy = candidates
      .filter((host) => this.#freeBytes(host) >= want.memoryBytes)
      .sort((a, b) => this.#freeBytes(b) - this.#freeBytes(a) || byWorker(a, b));
    const host = roomy[0] ?? this.#evictFor(want, candidates);
    if (host === undefined) return `no worker has ${want.memoryBytes} bytes free`;
    host.models.set(want.model, { memoryBytes: want.memoryBytes, lastUsedMs: Infinity });
    this.#loads.push({
      workerId: host.workerId,
      model: want.model,
      action: 'load',
      reason: 'replica-needed',
    });
    return undefined;
  }

  /**
   * Makes room for `want` by evicting surplus replicas, least recently used first, on the
   * candidate whose evictions were used least recently (then fewest evictions); undefined when
   * no candidate can make room that way.
   */
  #evictFor(want: ReplicaWant, candidates: readonly Host[]): Host | undefined {
    let best: { host: Host; evictions: string[]; newestUseMs: number } | undefined;
    for (const host of candidates) {
      const surplus = [...host.models.entries()]
        .filter(([model]) => this.#isSurplus(model))
        .sort(([modelA, a], [modelB, b]) => a.lastUsedMs - b.lastUsedMs || modelA.localeCompare(modelB));
      let freeBytes = this.#freeBytes(host);
      const evictions: string[] = [];
      let newestUseMs = -Infinity;
      for (const [model, replica] of surplus) {
        if (freeBytes >= want.memoryBytes) break;
        evictions.push(model);
        freeBytes += replica.memoryBytes;
        newestUseMs = Math.max(newestUseMs, replica.lastUsedMs);
      }
      if (freeBytes < want.memoryBytes) continue;
      if (
        best === undefined ||
        newestUseMs < best.newestUseMs ||
        (newestUseMs === best.newestUseMs && evictions.length < best.evictions.length)
      ) {
        best = { host, evictions, newestUseMs };
      }
    }
    for (const model of best?.evictions ?? []) this.#unload(best!.host, model, 'memory');
    return best?.host;
  }

  #replicasOf(worker: WorkerSlot): Map<string, Replica> {
    const replicas = new Map<string, Replica>();
    for (const { name, memoryBytes, lastUsedMs } of worker.models) {
      const wanted = this.#wants.get(name)?.memoryBytes ?? 0;
      const known = replicas.get(name);
      replicas.set(name, {
        memoryBytes: Math.max(memoryBytes, wanted, known?.memoryBytes ?? 0),
        lastUsedMs: Math.max(lastUsedMs, known?.lastUsedMs ?? -Infinity),
      });
    }
    return replicas;
  }

  #unload(host: Host, model: string, reason: PlacementMoveReason): void {
    host.models.delete(model);
    this.#unloaded.add(`${host.workerId}\u0000${model}`);
    this.#unloads.push({ workerId: host.workerId, model, action: 'unload', reason });
  }

  /** Non-draining workers holding `model`. */
  #holders(model: string): Host[] {
    return this.#hosts.filter((host) => !host.draining && host.models.has(model));
  }

  #isSurplus(model: string): boolean {
    const want = this.#wants.get(model);
    return want === undefined || this.#holders(model).length > want.replicas;
  }

  #lastUsed(host: Host, model: string): number {
    return host.models.get(model)?.lastUsedMs ?? 0;
  }

  #freeBytes(host: Host): number {
    let usedBytes = 0;
    for (const replica of host.models.values()) usedBytes += replica.memoryBytes;
    return host.capacityBytes - usedBytes;
  }
}

function byModel(a: { model: string }, b: { model: string }): number {
  return a.model.localeCompare(b.model);
}

function byWorker(a: Host, b: Host): number {
  return a.workerId.localeCompare(b.workerId);
}
