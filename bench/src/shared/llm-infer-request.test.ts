import { describe, expect, it } from 'vitest';
import { llmRequestComplexity, toLlmInferRequest } from './llm-infer-request.js';
import type { LlmRequest } from './llm-infer-request.js';

const request = (prompt: string, promptTokens: number): LlmRequest => ({
  target: 'llm',
  id: 'request-0',
  prompt,
  promptTokens,
  outputTokens: 50,
});

/** The router's text complexity (analyse-request.ts): each BYTES input's bytes ÷ 4 rounded up, other inputs by element. */
function routerComplexity(llmRequest: LlmRequest): number {
  return toLlmInferRequest(llmRequest).inputs.reduce((sum, input) => {
    const contents = input.contents;
    if (input.datatype !== 'BYTES') return sum + (contents?.intContents.length ?? 0);
    const bytes = (contents?.bytesContents ?? []).reduce((total, value) => total + value.byteLength, 0);
    return sum + Math.ceil(bytes / 4);
  }, 0);
}

describe('llmRequestComplexity', () => {
  it('counts the prompt, the conversation before it and max_tokens as the router does', () => {
    for (const [prompt, tokens] of [
      ['What is 2 + 2?', 1_155],
      ['Écrivez une fonction qui trie une liste.', 7],
      ['x'.repeat(4_001), 3],
    ] as const) {
      expect(llmRequestComplexity(prompt, tokens)).toBe(routerComplexity(request(prompt, tokens)));
    }
    // 14 bytes of prompt (4 tokens) and 4,606 of context (1,152): each input rounds up, then max_tokens.
    expect(llmRequestComplexity('What is 2 + 2?', 1_155)).toBe(1_157);
  });
});
