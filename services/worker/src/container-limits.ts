import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** cgroup v2's CPU quota of this container: `<quota µs> <period µs>`, or `max <period>` for none. */
const CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max';

/**
 * Memory this process may use: the container's limit (cgroup, through Node) when one is set below
 * the host's memory, else the host's. In a pod, os.totalmem() is the node's, not the pod's limit.
 */
export function memoryLimitBytes(): number {
  const host = totalmem();
  // Node reports an unlimited cgroup as a huge number (2^64) and no cgroup as 0 or undefined.
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < host ? constrained : host;
}

/**
 * CPUs this process may use: the container's quota rounded down (at least 1) when one is set below
 * the host's CPUs, else the host's. Like memory, a pod's CPU limit is invisible to os.availableParallelism().
 * @param cpuMax the contents of cgroup v2's cpu.max; read from the file when omitted (none outside a cgroup v2 container).
 */
export function cpuLimit(cpuMax: string | undefined = readCpuMax()): number {
  const host = availableParallelism();
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/).map(Number);
  if (quota === undefined || period === undefined || !Number.isFinite(quota) || !(period > 0)) return host;
  return Math.min(host, Math.max(1, Math.floor(quota / period)));
}

function readCpuMax(): string | undefined {
  try {
    return readFileSync(CGROUP_CPU_MAX, 'utf8');
  } catch {
    // Not a cgroup v2 container (or no CPU controller): the host's CPUs are the limit.
    return undefined;
  }
}
