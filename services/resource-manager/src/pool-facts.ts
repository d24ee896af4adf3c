import { WorkerState } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';

/** What the live workers' heartbeats say about one model. */
export interface ModelPoolFacts {
  /** Ready workers with the model loaded (any version). */
  readonly servingReplicas: number;
  /** Workers loading it now. */
  readonly loadingReplicas: number;
  /** Largest measured resident memory of one replica, bytes (0 when none is loaded). */
  readonly measuredMemoryBytes: number;
  /** Longest measured cold start of a loaded replica, ms (0 when none is loaded). */
  readonly loadMs: number;
  /** Newest time a batch of it started on any worker (0: never). */
  readonly lastUsedMs: number;
}

const NO_FACTS: ModelPoolFacts = {
  servingReplicas: 0,
  loadingReplicas: 0,
  measuredMemoryBytes: 0,
  loadMs: 0,
  lastUsedMs: 0,
};

/** Per-model facts gathered from the latest heartbeat of every live worker. */
export class PoolFacts {
  readonly #models = new Map<string, ModelPoolFacts>();

  constructor(readonly workers: readonly WorkerHeartbeat[]) {
    for (const worker of workers) {
      const ready = worker.state === WorkerState.READY;
      const seen = new Set<string>();
      for (const loaded of worker.models) {
        const facts = this.of(loaded.name);
        const first = !seen.has(loaded.name);
        seen.add(loaded.name);
        this.#models.set(loaded.name, {
          ...facts,
          servingReplicas: facts.servingReplicas + (ready && first ? 1 : 0),
          measuredMemoryBytes: Math.max(facts.measuredMemoryBytes, Number(loaded.memoryBytes)),
          loadMs: Math.max(facts.loadMs, loaded.loadMs),
          lastUsedMs: Math.max(facts.lastUsedMs, Number(loaded.lastUsedUnixMs)),
        });
      }
      for (const model of new Set(worker.loading)) {
        const facts = this.of(model);
        this.#models.set(model, { ...facts, loadingReplicas: facts.loadingReplicas + 1 });
      }
    }
  }

  of(model: string): ModelPoolFacts {
    return this.#models.get(model) ?? NO_FACTS;
  }
}
