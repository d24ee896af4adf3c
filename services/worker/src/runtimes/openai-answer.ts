import { ExecutionError } from '@switchboard/errors';
import type { OpenAiApi } from './openai-options.js';

/** What one upstream answer gives a batch row. */
export interface OpenAiAnswer {
  readonly text: string;
  /** `usage.prompt_tokens`, 0 when the answer has no usage. */
  readonly promptTokens: number;
  /** `usage.completion_tokens`, 0 when the answer has no usage. */
  readonly completionTokens: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTokenCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The generated text: `choices[0].message.content` (chat) or `choices[0].text` (completions). */
function readText(body: Record<string, unknown>, api: OpenAiApi): string | string[] {
  const choices = body['choices'];
  if (!Array.isArray(choices) || choices.length === 0) return ['a non-empty array choices'];
  const choice: unknown = choices[0];
  if (!isRecord(choice)) return ['an object choices[0]'];
  if (api === 'completions') {
    return typeof choice['text'] === 'string' ? choice['text'] : ['a string choices[0].text'];
  }
  const message = choice['message'];
  if (!isRecord(message)) return ['an object choices[0].message'];
  const content = message['content'];
  return typeof content === 'string' ? content : ['a string choices[0].message.content'];
}

/**
 * Reads an OpenAI `chat.completion` or `text_completion` answer. `usage` may be absent (the row
 * then counts 0 tokens), but when present its `prompt_tokens` and `completion_tokens` must be
 * integers >= 0.
 * @param context names the model in the error, e.g. `openai model m`.
 * @throws ExecutionError, not retryable, naming what is missing when the body is not JSON or lacks
 *   the generated text, or when its usage has the wrong types.
 */
export function readOpenAiAnswer(bodyText: string, api: OpenAiApi, context: string): OpenAiAnswer {
  const malformed = (what: string) =>
    new ExecutionError(`${context}: malformed upstream answer: ${what}`, { retryable: false });
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // The body is not quoted: whatever the upstream echoed stays out of errors and logs.
    throw malformed(`not JSON (${bodyText.length} characters)`);
  }
  if (!isRecord(body)) throw malformed('not a JSON object');
  const text = readText(body, api);
  if (typeof text !== 'string') throw malformed(`needs ${text[0]}`);
  const usage = body['usage'];
  if (usage === undefined || usage === null) return { text, promptTokens: 0, completionTokens: 0 };
  if (!isRecord(usage)) throw malformed('usage must be an object');
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = usage;
  if (!isTokenCount(promptTokens)) throw malformed('usage.prompt_tokens must be an integer >= 0');
  if (!isTokenCount(completionTokens)) throw malformed('usage.completion_tokens must be an integer >= 0');
  return { text, promptTokens, completionTokens };
}
