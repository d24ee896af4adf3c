import { syntheticSpec } from '@switchboard/models/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

// Seeded property-based requests to the HTTP/REST door: well-formed and malformed inference bodies,
// binary framings and paths. Every answer must say what is wrong, never be a server error.

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const RUNS = 500;

const datatype = fc.constantFrom('FP32', 'INT8', 'INT64', 'UINT64', 'BOOL', 'BYTES', 'FP16', 'fp32', '');
const element = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant(2 ** 64),
);
const data = fc.oneof(
  fc.array(element, { maxLength: 12 }),
  fc.array(fc.array(element, { maxLength: 4 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 4 }),
);
const parameters = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.record({ timeout: fc.integer(), priority: fc.integer({ min: -1, max: 5 }) }, { requiredKeys: [] }),
  fc.record({ binary_data_size: fc.integer({ min: -4, max: 64 }) }),
);
/** Inputs whose shape usually fits their data, so requests get past the first checks and deeper. */
const fittingInput = fc
  .record({
    name: fc.oneof(fc.constant('features'), fc.string({ maxLength: 10 })),
    datatype,
    elements: fc.array(element, { maxLength: 8 }),
    nested: fc.boolean(),
    parameters: fc.oneof(fc.constant(undefined), parameters),
  })
  .map(({ elements, nested, ...rest }) => ({
    ...rest,
    shape: nested ? [1, elements.length] : [elements.length],
    data: nested ? [elements] : elements,
  }));
const input = fc.oneof(
  { weight: 3, arbitrary: fittingInput },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.constant('features'), fc.string({ maxLength: 10 })),
        datatype,
        shape: fc.oneof(
          fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        data,
        parameters,
      },
      { requiredKeys: ['name'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
/** Mostly `good`, sometimes anything: malformed fields are tried without hiding the deeper checks. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const body = fc.record(
  {
    id: mostly(fc.string({ maxLength: 8 })),
    parameters: mostly(fc.record({ timeout: fc.nat(), priority: fc.nat({ max: 3 }) }, { requiredKeys: [] })),
    inputs: mostly(fc.array(input, { minLength: 1, maxLength: 3 })),
    outputs: mostly(
      fc.array(fc.record({ name: fc.string({ maxLength: 12 }), parameters }), { maxLength: 2 }),
    ),
  },
  { requiredKeys: ['inputs'] },
);
const call = fc.record({
  model: fc.oneof(
    { weight: 4, arbitrary: fc.constant('fuzzed') },
    { weight: 1, arbitrary: fc.constantFrom('no-such-model', 'Bad Name', '%2e%2e', 'a'.repeat(80)) },
  ),
  body: fc.oneof(
    { weight: 5, arbitrary: body.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  ),
  binary: fc.uint8Array({ maxLength: 64 }),
  headerLength: fc.oneof(fc.constant(undefined), fc.constant('exact'), fc.string({ maxLength: 6 })),
});

describe('the HTTP/REST door under arbitrary requests', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('http-fuzz');
    await system.registry.registerModel({ model: syntheticSpec('fuzzed', { base_latency_ms: '1' }) });
    await system.startWorker(['fuzzed']);
    await system.waitUntilReady('fuzzed');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers every request with 200 or a client error that says what is wrong, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ({ model, body, binary, headerLength }) => {
        const json = Buffer.from(body);
        const headers: Record<string, string> = {};
        if (headerLength !== undefined) {
          headers['inference-header-content-length'] =
            headerLength === 'exact' ? String(json.length) : headerLength;
        }
        const response = await fetch(`${system.httpUrl}/v2/models/${model}/infer`, {
          method: 'POST',
          headers,
          body: headerLength === undefined ? json : Buffer.concat([json, binary]),
        });
        const answer = (await response.json()) as { error?: string };
        if (response.status === 200) return;
        expect([400, 404, 413, 429]).toContain(response.status);
        expect(answer.error).toEqual(expect.any(String));
        expect(answer.error).not.toBe('internal error');
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect((await fetch(`${system.httpUrl}/v2/health/ready`)).status).toBe(200);
  }, 60_000);
});
