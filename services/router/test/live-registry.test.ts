import { classifierSpec } from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const NOT_FOUND = 5;
const infer = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }],
};

describe('the router following the registry', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('live');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('serves a model registered after it started, without a restart', async () => {
    await expect(
      system.oip.call('ModelInfer', { model_name: 'classifier-small', ...infer }),
    ).rejects.toMatchObject({ code: NOT_FOUND });
    const small = classifierSpec('classifier-small');
    await system.registry.registerModel({ model: small });
    await system.startWorker(['classifier-small']);
    await system.waitUntilReady('classifier-small');
    const response = await system.oip.call<{ outputs: Array<{ shape: number[] }> }>('ModelInfer', {
      model_name: 'classifier-small',
      ...infer,
    });
    expect(response.outputs[0]?.shape).toEqual([1, 3]);
  });

  it('stops serving a deleted model', async () => {
    await system.registry.deleteModel({ name: 'classifier-small' });
    await expect
      .poll(() =>
        system.oip
          .call('ModelInfer', { model_name: 'classifier-small', ...infer })
          .catch((error: { code: number }) => error.code),
      )
      .toBe(NOT_FOUND);
  });
});
