import { create } from '@bufbuild/protobuf';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import { ModelInferResponseSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { simulatedLlmOf } from '../replay/llm-catalogue.js';
import { outputTokensOf, readRouteFacts, toRoutingInferRequest } from './routing-request.js';

const gpt4 = simulatedLlmOf('gpt-4-1106-preview');
const mistral = simulatedLlmOf('mistralai/mistral-7b-chat');
const models = new Map([
  ['gpt-4-1106-preview', gpt4],
  ['mistralai/mistral-7b-chat', mistral],
]);

function record(prompt: string, costs: [number, number]): OutcomeRecord {
  return {
    line: 2,
    sampleId: '',
    task: '',
    prompt,
    outcomes: new Map([
      ['gpt-4-1106-preview', { quality: 1, costUsd: costs[0] }],
      ['mistralai/mistral-7b-chat', { quality: 1, costUsd: costs[1] }],
    ]),
  };
}

describe('outputTokensOf', () => {
  it('derives the answer length from the recorded costs at RouterBench’s prices', () => {
    // 40 bytes = 10 input tokens; GPT-4: 10 × $10/M + 200 × $30/M; Mistral: 10 × $0.2/M + 200 × $0.2/M.
    const prompt = 'x'.repeat(40);
    expect(outputTokensOf(record(prompt, [0.0061, 0.000042]), models)).toBe(200);
  });

  it('is at least 1 when the costs imply no output, and at most 1,024', () => {
    expect(outputTokensOf(record('x'.repeat(4_000), [0.0001, 0.0000001]), models)).toBe(1);
    expect(outputTokensOf(record('x', [1, 1]), models)).toBe(1_024);
  });
});

describe('toRoutingInferRequest', () => {
  it('sends the prompt, an empty context and the answer length to the target', () => {
    const request = toRoutingInferRequest(
      { record: record('hello', [0, 0]), outputTokens: 7 },
      'routing-rules',
      'r-1',
    );
    expect([request.modelName, request.id]).toEqual(['routing-rules', 'r-1']);
    expect(request.inputs.map((input) => [input.name, input.datatype])).toEqual([
      ['text_input', 'BYTES'],
      ['context', 'BYTES'],
      ['max_tokens', 'INT32'],
    ]);
    expect(Buffer.from(request.inputs[0]!.contents!.bytesContents[0]!).toString()).toBe('hello');
    expect(request.inputs[1]!.contents!.bytesContents[0]!.byteLength).toBe(0);
    expect(request.inputs[2]!.contents!.intContents).toEqual([7]);
  });
});

describe('readRouteFacts', () => {
  it('reads the reason, the tenant and the id Feedback quotes, falling back to the id sent', () => {
    const text = (value: string) => ({ parameterChoice: { case: 'stringParam' as const, value } });
    const response = create(ModelInferResponseSchema, {
      parameters: {
        'switchboard.reason': text('learned_policy'),
        'switchboard.request_id': text('router-id'),
        'switchboard.tenant': text('anonymous'),
      },
    });
    expect(readRouteFacts(response, 'sent')).toEqual({
      reason: 'learned_policy',
      requestId: 'router-id',
      tenant: 'anonymous',
    });
    expect(readRouteFacts(create(ModelInferResponseSchema), 'sent')).toEqual({
      reason: '',
      requestId: 'sent',
      tenant: '',
    });
  });
});
