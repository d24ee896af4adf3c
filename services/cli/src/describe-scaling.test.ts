import { create } from '@bufbuild/protobuf';
import { ScalingSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { describeScaling } from './describe-scaling.js';

describe('describeScaling', () => {
  it('shows every limit of a full spec with human durations', () => {
    const scaling = create(ScalingSpecSchema, {
      minReplicas: 1,
      maxReplicas: 4,
      queueWaitSloMs: 500,
      idleUnloadSeconds: 600,
    });

    expect(describeScaling(scaling)).toBe('replicas 1–4, queue wait ≤ 500ms, idle unload 10m');
  });

  it('leaves out what takes the manager’s defaults and says which replica bound is open', () => {
    expect(describeScaling(create(ScalingSpecSchema, { minReplicas: 2 }))).toBe('replicas ≥ 2');
    expect(describeScaling(create(ScalingSpecSchema, { maxReplicas: 3, idleUnloadSeconds: 90 }))).toBe(
      'replicas ≤ 3, idle unload 1m 30s',
    );
  });

  it('shows a dash for a model without a spec or with one of zeros', () => {
    expect(describeScaling(undefined)).toBe('-');
    expect(describeScaling(create(ScalingSpecSchema))).toBe('-');
  });
});
