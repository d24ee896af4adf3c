import { cpus, totalmem } from 'node:os';

/** One line saying where the figures come from: cores, CPU, memory, Node version, infrastructure. */
export function describeMachine(infrastructure: string): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (totalmem() / 1024 ** 3).toFixed(1);
  const node = `Node ${process.version} ${process.platform}/${process.arch}`;
  return `machine: ${processors.length} cores (${model}), ${memoryGiB} GiB, ${node}; ${infrastructure}`;
}
