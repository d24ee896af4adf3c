import type { ReplicaWant } from './pool-layout.js';

/**
 * How many workers of `workerMemoryBytes` hold the wanted replicas: first fit decreasing by
 * memory, a model's replicas on distinct workers. Models larger than a worker are left out.
 */
export function packWorkers(wants: readonly ReplicaWant[], workerMemoryBytes: number): number {
  const packable = wants
    .filter((want) => want.replicas > 0 && want.memoryBytes <= workerMemoryBytes)
    .sort((a, b) => b.memoryBytes - a.memoryBytes || a.model.localeCompare(b.model));
  const workers: { freeBytes: number; models: Set<string> }[] = [];
  for (const want of packable) {
    for (let replica = 0; replica < want.replicas; replica += 1) {
      let worker = workers.find((open) => open.freeBytes >= want.memoryBytes && !open.models.has(want.model));
      if (worker === undefined) {
        worker = { freeBytes: workerMemoryBytes, models: new Set() };
        workers.push(worker);
      }
      worker.freeBytes -= want.memoryBytes;
      worker.models.add(want.model);
    }
  }
  return workers.length;
}
