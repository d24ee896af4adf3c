import { describe, expect, it } from 'vitest';
import { judgeStack } from './container-states.js';
import type { ContainerState } from './container-states.js';

const running = (service: string, health: string | undefined = 'healthy'): ContainerState => ({
  service,
  name: `sb_${service}_1`,
  status: 'running',
  exitCode: 0,
  health,
});
const exited = (service: string, exitCode: number): ContainerState => ({
  service,
  name: `sb_${service}_1`,
  status: 'exited',
  exitCode,
  health: undefined,
});

describe('judgeStack', () => {
  it('is ready when every service is healthy and every one-shot exited 0', () => {
    const verdict = judgeStack(['router', 'migrate'], ['migrate'], [running('router'), exited('migrate', 0)]);

    expect(verdict).toEqual({ kind: 'ready' });
  });

  it('waits for containers still starting, one-shots still running and services without a container', () => {
    const verdict = judgeStack(
      ['router', 'migrate', 'worker'],
      ['migrate'],
      [running('router', 'starting'), { ...running('migrate', undefined) }],
    );

    expect(verdict).toEqual({
      kind: 'waiting',
      pending: ['worker (no container yet)', 'sb_router_1 (running, starting)', 'sb_migrate_1 (running)'],
    });
  });

  it('fails on a one-shot exiting non-zero, a service that stopped, and an unhealthy one', () => {
    const verdict = judgeStack(
      ['router', 'migrate', 'registry'],
      ['migrate'],
      [exited('migrate', 1), exited('router', 0), running('registry', 'unhealthy')],
    );

    expect(verdict).toEqual({
      kind: 'failed',
      reasons: ['sb_migrate_1 exited with 1', 'sb_router_1 stopped (exit 0)', 'sb_registry_1 is unhealthy'],
    });
  });
});
