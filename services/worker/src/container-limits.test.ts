import { availableParallelism, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuLimit, memoryLimitBytes } from './container-limits.js';

describe('container limits', () => {
  it('take the CPU quota of a container, rounded down and at least one', () => {
    const host = availableParallelism();
    expect(cpuLimit('100000 100000')).toBe(1);
    expect(cpuLimit('50000 100000')).toBe(1);
    expect(cpuLimit(`${host * 100000 + 99999} 100000`)).toBe(host);
  });

  it('take the host CPUs when no quota is set or cpu.max cannot be read', () => {
    const host = availableParallelism();
    expect(cpuLimit('max 100000')).toBe(host);
    expect(cpuLimit('')).toBe(host);
    expect(cpuLimit(`${(host + 8) * 100000} 100000`)).toBe(host);
  });

  it('never report more memory than the host has', () => {
    expect(memoryLimitBytes()).toBeGreaterThan(0);
    expect(memoryLimitBytes()).toBeLessThanOrEqual(totalmem());
  });
});
