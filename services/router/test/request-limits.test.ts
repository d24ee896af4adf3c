import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { classifierSpec, toRawFloat32 } from '@switchboard/models/testing';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;

const validInputs = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
  raw_input_contents: [toRawFloat32([1, 2, 3, 4])],
};

describe('the limits on what a client controls', () => {
  let system: TestSystem;
  let nats: NatsConnection;
  const telemetrySubjects: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem('limits', { ROUTER_MAX_TENSORS: '4' });
    await system.registry.registerModel({ model: classifierSpec('classifier-small') });
    await system.startWorker(['classifier-small']);
    await system.waitUntilReady('classifier-small');
    nats = await connect({ servers: testInfrastructure().natsUrl });
    nats.subscribe(`${system.names.telemetryRequestPrefix}>`, {
      callback: (_error, message) => {
        telemetrySubjects.push(message.subject);
      },
    });
  });

  afterAll(async () => {
    await nats?.close();
    await system?.stop();
  });

  const infer = (request: object, metadata?: Record<string, string>) =>
    system.oip.call(
      'ModelInfer',
      { model_name: 'classifier-small', ...validInputs, ...request },
      { metadata },
    );

  it.each([
    ['a space', 'classifier small'],
    ['a newline', 'classifier\nsmall'],
    ['a dot', 'classifier.small'],
    ['a wildcard', 'classifier-*'],
    ['100 KB', 'x'.repeat(100_000)],
  ])('refuses a model name with %s as INVALID_ARGUMENT, quoting only its start', async (_, name) => {
    const refusal = infer({ model_name: name });

    await expect(refusal).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringMatching(
        /model_name .* is not a valid model or route name: names are 1-63 lowercase/,
      ),
    });
    expect(
      ((await refusal.catch((error: { details: string }) => error)) as { details: string }).details.length,
    ).toBeLessThan(300);
  });

  it('records a request for an unknown model under the one (unknown) subject, never its own', async () => {
    const unknownRecords = () => telemetrySubjects.filter((subject) => subject.endsWith('.(unknown)')).length;
    const before = unknownRecords();

    await expect(infer({ model_name: 'never-registered' })).rejects.toMatchObject({ code: NOT_FOUND });
    await expect(infer({ model_name: 'not registered' })).rejects.toMatchObject({ code: INVALID_ARGUMENT });

    await expect.poll(unknownRecords).toBeGreaterThanOrEqual(before + 2);
    const perModel = new Set(telemetrySubjects.map((subject) => subject.split('.').at(-1)));
    expect([...perModel].sort()).toEqual(
      ['(unknown)', 'classifier-small'].filter((name) => perModel.has(name)),
    );
    expect(perModel.has('(unknown)')).toBe(true);
  });

  it('refuses a request id over ROUTER_MAX_ID_BYTES as INVALID_ARGUMENT', async () => {
    await expect(infer({ id: 'i'.repeat(100_000) })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: 'id is 100000 bytes; the limit is 256 (ROUTER_MAX_ID_BYTES)',
    });
    await expect(infer({ id: 'i'.repeat(256) })).resolves.toMatchObject({ id: 'i'.repeat(256) });
  });

  it('refuses more parameters than ROUTER_MAX_PARAMETERS, on the request or on an input', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, index) => [`p${index}`, { bool_param: true }]),
    );
    await expect(infer({ parameters: many })).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: 'the request has 10000 parameters; the limit is 64 (ROUTER_MAX_PARAMETERS)',
    });
    const input = { ...validInputs.inputs[0], parameters: many };
    await expect(infer({ inputs: [input] })).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: expect.stringContaining('input "features" has 10000 parameters'),
    });
  });

  it('refuses a parameter over ROUTER_MAX_PARAMETER_BYTES, naming it', async () => {
    await expect(infer({ parameters: { note: { string_param: 'n'.repeat(5_000) } } })).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details:
        'parameter "note" of the request is 5004 bytes; the limit is 4096 (ROUTER_MAX_PARAMETER_BYTES)',
    });
  });

  it('refuses more inputs or outputs than ROUTER_MAX_TENSORS', async () => {
    const inputs = Array.from({ length: 5 }, (_, index) => ({
      name: `in${index}`,
      datatype: 'FP32',
      shape: [1],
    }));
    await expect(infer({ inputs, raw_input_contents: [] })).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: '5 inputs; the limit is 4 (ROUTER_MAX_TENSORS)',
    });
    const outputs = Array.from({ length: 5 }, (_, index) => ({ name: `out${index}` }));
    await expect(infer({ outputs })).rejects.toMatchObject({ code: RESOURCE_EXHAUSTED });
  });

  it('refuses an input name over 256 bytes and a shape of more than 32 dimensions', async () => {
    const longName = { ...validInputs.inputs[0], name: 'n'.repeat(1_000) };
    await expect(infer({ inputs: [longName] })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringContaining('is 1000 bytes; at most 256'),
    });
    const deep = { ...validInputs.inputs[0], shape: new Array(40).fill(1) };
    await expect(infer({ inputs: [deep] })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringContaining('has 40 dimensions; at most 32'),
    });
  });

  it('refuses metadata over ROUTER_MAX_METADATA_BYTES', async () => {
    await expect(infer({}, { 'x-padding': 'p'.repeat(20_000) })).rejects.toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: expect.stringMatching(
        /request metadata is \d+ bytes; the limit is 16384 \(ROUTER_MAX_METADATA_BYTES\)/,
      ),
    });
  });

  it('refuses malformed names in ModelReady and ModelMetadata the same way', async () => {
    await expect(system.oip.call('ModelReady', { name: 'a b' })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
    });
    await expect(system.oip.call('ModelMetadata', { name: 'x'.repeat(100_000) })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
    });
    await expect(
      system.oip.call('ModelMetadata', { name: 'classifier-small', version: 'v 1' }),
    ).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
    });
  });
});
