import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { ExecutionError, FailedPreconditionError, SwitchboardError } from '@switchboard/errors';
import { createLogger } from '@switchboard/logging';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './openai-request.js';
import { createOpenAiRuntime } from './openai-runtime.js';

/** OpenAI API answers (chat.completion, text_completion, error bodies), trimmed. */
const RECORDED = JSON.parse(
  readFileSync(new URL('./__fixtures__/openai-responses.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const recorded = (name: string) => JSON.stringify(RECORDED[name]);

const CAPITAL = 'What is the capital of France?';
const HAIKU = 'Write a haiku about batching.';
const API_KEY = 'sk-proj-Zq7tN3vR8wX2yB5mK9cL4dF6gH1jP0sA';

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
  delayMs?: number;
}

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  atMs: number;
}

/** A local upstream: answers each request with `reply(request, index)` and counts concurrency. */
interface Upstream {
  baseUrl: string;
  received: Received[];
  maxConcurrent: number;
  reply: (request: Received, index: number) => Reply;
}

let server: Server;
let upstream: Upstream;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  let concurrent = 0;
  upstream = {
    baseUrl: '',
    received: [],
    maxConcurrent: 0,
    reply: () => ({ body: recorded('chat_completion_capital') }),
  };
  server = createServer((request, response) => {
    concurrent += 1;
    upstream.maxConcurrent = Math.max(upstream.maxConcurrent, concurrent);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        url: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        atMs: performance.now(),
      };
      upstream.received.push(received);
      const reply = upstream.reply(received, upstream.received.length - 1);
      const timer = setTimeout(() => {
        concurrent -= 1;
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body);
      }, reply.delayMs ?? 0);
      response.on('close', () => {
        if (!response.writableEnded) concurrent -= 1;
        clearTimeout(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

async function loadModel(
  options: Record<string, string> = {},
  overrides: Partial<{ outputs: string[] }> = {},
) {
  const outputs = overrides.outputs ?? ['text_output', 'output_tokens', 'cost_usd'];
  const spec = create(ModelSpecSchema, {
    name: 'gpt-4o',
    runtime: 'openai',
    inputs: [
      { name: 'text_input', datatype: 'BYTES', shape: [-1n] },
      { name: 'max_tokens', datatype: 'INT32', shape: [-1n] },
    ],
    outputs: outputs.map((name) => ({
      name,
      datatype: name === 'text_output' ? 'BYTES' : 'FP32',
      shape: name === 'text_output' ? [-1n] : [-1n, 1n],
    })),
    runtimeOptions: {
      base_url: upstream.baseUrl,
      model: 'gpt-4o-2024-08-06',
      api_key_env: 'UPSTREAM_KEY',
      retry_min_delay_ms: '5',
      retry_max_delay_ms: '2000',
      input_usd_per_million_tokens: '2.5',
      output_usd_per_million_tokens: '10',
      ...options,
    },
  });
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => logLines.push(line) },
  });
  return createOpenAiRuntime({
    credential: (variable) => ({ UPSTREAM_KEY: API_KEY })[variable],
    logger,
  }).load(spec);
}

function batchOf(prompts: string[], maxTokens = prompts.map(() => 64)): Tensor[] {
  return [
    {
      name: 'text_input',
      datatype: 'BYTES',
      shape: [prompts.length],
      data: prompts.map((prompt) => new TextEncoder().encode(prompt)),
    },
    { name: 'max_tokens', datatype: 'INT32', shape: [prompts.length], data: Int32Array.from(maxTokens) },
  ];
}

function texts(tensor: Tensor | undefined): string[] {
  return (tensor?.data as Uint8Array[]).map((bytes) => new TextDecoder().decode(bytes));
}

async function inferError(prompts = [CAPITAL], options: Record<string, string> = {}): Promise<unknown> {
  const model = await loadModel(options);
  return model.infer(batchOf(prompts)).then(
    () => expect.unreachable('the batch should fail'),
    (error: unknown) => error,
  );
}

describe('createOpenAiRuntime', () => {
  it('turns chat completions into text, output tokens and their cost, one request per row', async () => {
    upstream.reply = (request) => {
      const messages = request.body['messages'] as { content: string }[];
      return {
        body: recorded(messages[0]?.content === HAIKU ? 'chat_completion_haiku' : 'chat_completion_capital'),
      };
    };
    const model = await loadModel();
    const { outputs } = await model.infer(batchOf([CAPITAL, HAIKU], [64, 0]));

    expect(upstream.received.map(({ url, body }) => ({ url, body }))).toEqual(
      expect.arrayContaining([
        {
          url: '/v1/chat/completions',
          body: {
            model: 'gpt-4o-2024-08-06',
            messages: [{ role: 'user', content: CAPITAL }],
            max_tokens: 64,
          },
        },
        {
          url: '/v1/chat/completions',
          body: { model: 'gpt-4o-2024-08-06', messages: [{ role: 'user', content: HAIKU }] },
        },
      ]),
    );
    expect(outputs.map(({ name, shape }) => ({ name, shape }))).toEqual([
      { name: 'text_output', shape: [2] },
      { name: 'output_tokens', shape: [2, 1] },
      { name: 'cost_usd', shape: [2, 1] },
    ]);
    expect(texts(outputs[0])).toEqual([
      'The capital of France is Paris.',
      'Requests gather close,\none pass through the waiting stack—\nlatency well spent.',
    ]);
    expect(Array.from(outputs[1]?.data as Float32Array)).toEqual([8, 19]);
    // 14 prompt tokens at $2.50 and 8 completion tokens at $10 per million; 13 and 19 likewise.
    const costs = Array.from(outputs[2]?.data as Float32Array);
    expect(costs[0]).toBe(Math.fround((14 * 2.5 + 8 * 10) / 1e6));
    expect(costs[1]).toBe(Math.fround((13 * 2.5 + 19 * 10) / 1e6));
    expect(model.synthetic).toBe(false);
    expect(model.footprintBytes).toBe(0);
  });

  it('sends the prompt to /completions and reads the text completion when api is completions', async () => {
    upstream.reply = () => ({ body: recorded('text_completion_capital') });
    const model = await loadModel({ api: 'completions', model: 'meta-llama/Llama-3.1-8B-Instruct' });
    const { outputs } = await model.infer(batchOf([CAPITAL], [12]));

    expect(upstream.received[0]?.url).toBe('/v1/completions');
    expect(upstream.received[0]?.body).toEqual({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      prompt: CAPITAL,
      max_tokens: 12,
    });
    expect(texts(outputs[0])).toEqual([' Paris. It is also the largest city in France.']);
    expect(Array.from(outputs[1]?.data as Float32Array)).toEqual([12]);
    expect(outputs[2]?.data[0]).toBe(Math.fround((8 * 2.5 + 12 * 10) / 1e6));
  });

  it('reports 0 tokens and 0 cost for an answer without usage', async () => {
    upstream.reply = () => ({ body: recorded('chat_completion_without_usage') });
    const { outputs } = await (await loadModel()).infer(batchOf([CAPITAL]));

    expect(texts(outputs[0])).toEqual(['Paris.']);
    expect(Array.from(outputs[1]?.data as Float32Array)).toEqual([0]);
    expect(Array.from(outputs[2]?.data as Float32Array)).toEqual([0]);
  });

  it('retries a 429 after the seconds its Retry-After states and then answers', async () => {
    upstream.reply = (_request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: recorded('error_429_rate_limit') }
        : { body: recorded('chat_completion_capital') };
    const { outputs } = await (await loadModel()).infer(batchOf([CAPITAL]));

    expect(texts(outputs[0])).toEqual(['The capital of France is Paris.']);
    expect(upstream.received).toHaveLength(2);
    const [first, second] = upstream.received;
    expect((second?.atMs ?? 0) - (first?.atMs ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('ends persistent 503s in a retryable error once max_retries retries failed', async () => {
    upstream.reply = () => ({ status: 503, body: recorded('error_503_overloaded') });
    const error = await inferError([CAPITAL], { max_retries: '2' });

    expect(upstream.received).toHaveLength(3);
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toBe(
      'openai model gpt-4o: upstream answered 503: "The server is overloaded or not ready yet." (3 attempts)',
    );
  });

  it('gives up at once, retryable, when Retry-After asks for longer than the longest backoff', async () => {
    upstream.reply = () => ({
      status: 429,
      headers: { 'retry-after': '120' },
      body: recorded('error_429_rate_limit'),
    });
    const error = await inferError();

    expect(upstream.received).toHaveLength(1);
    expect(error).toMatchObject({ retryable: true });
  });

  it('treats an upstream that does not answer within timeout_ms as retryable', async () => {
    upstream.reply = () => ({ body: recorded('chat_completion_capital'), delayMs: 2_000 });
    const startedMs = performance.now();
    const error = await inferError([CAPITAL], { timeout_ms: '100', max_retries: '1' });

    expect(performance.now() - startedMs).toBeLessThan(1_000);
    expect(upstream.received).toHaveLength(2);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toBe(
      'openai model gpt-4o: upstream did not answer within 100 ms (2 attempts)',
    );
  });

  it('treats an unreachable upstream as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await inferError([CAPITAL], { base_url: `http://127.0.0.1:${port}/v1`, max_retries: '1' });

    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/^openai model gpt-4o: upstream unreachable \(ECONNREFUSED\)/);
  });

  it('does not retry a 400 and quotes the upstream message', async () => {
    upstream.reply = () => ({ status: 400, body: recorded('error_400_context_length') });
    const error = await inferError();

    expect(upstream.received).toHaveLength(1);
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toContain(
      'upstream answered 400: "This model\'s maximum context length is 128000 tokens. However, your messages resulted in 130415 tokens.',
    );
  });

  it('cuts a long upstream message to 300 characters', async () => {
    upstream.reply = () => ({
      status: 422,
      body: JSON.stringify({ object: 'error', message: 'x'.repeat(5_000) }),
    });
    const error = await inferError();

    expect((error as Error).message).toContain(`"${'x'.repeat(300)}…"`);
    expect((error as Error).message.length).toBeLessThan(400);
  });

  it.each([
    ['a body that is not JSON', 'chat', '<html>502 Bad Gateway</html>', 'not JSON (28 characters)'],
    [
      'an answer without choices',
      'chat',
      '{"object":"chat.completion","choices":[]}',
      'needs a non-empty array choices',
    ],
    [
      'a chat answer without a message',
      'chat',
      '{"choices":[{"index":0}]}',
      'needs an object choices[0].message',
    ],
    [
      'a chat answer whose content is not text',
      'chat',
      '{"choices":[{"message":{"role":"assistant","content":null}}]}',
      'needs a string choices[0].message.content',
    ],
    [
      'a text completion without text',
      'completions',
      '{"choices":[{"text":42}]}',
      'needs a string choices[0].text',
    ],
    [
      'usage with the wrong types',
      'chat',
      '{"choices":[{"message":{"content":"Paris."}}],"usage":{"prompt_tokens":"14","completion_tokens":8}}',
      'usage.prompt_tokens must be an integer >= 0',
    ],
  ])('fails the batch, not retryable, naming what is missing, on %s', async (_case, api, body, what) => {
    upstream.reply = () => ({ body });
    const error = await inferError([CAPITAL], { api });

    expect(upstream.received).toHaveLength(1);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toBe(`openai model gpt-4o: malformed upstream answer: ${what}`);
  });

  it('keeps at most max_in_flight requests in flight for a batch', async () => {
    upstream.reply = () => ({ body: recorded('chat_completion_capital'), delayMs: 30 });
    const model = await loadModel({ max_in_flight: '3' });
    const { outputs } = await model.infer(batchOf(Array.from({ length: 10 }, () => CAPITAL)));

    expect(texts(outputs[0])).toHaveLength(10);
    expect(upstream.received).toHaveLength(10);
    expect(upstream.maxConcurrent).toBe(3);
  });

  it('sends the key as a bearer token and keeps it out of errors and logs', async () => {
    upstream.reply = (request, index) => {
      const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      // A rate limit first, so a retry is logged; then the upstream refuses the key, echoing it.
      return index === 0
        ? { status: 429, headers: { 'retry-after': '0' }, body: recorded('error_429_rate_limit') }
        : { status: 401, body: recorded('error_401_invalid_key').replace('{key}', key) };
    };
    const error = await inferError();

    expect(upstream.received.map(({ headers }) => headers.authorization)).toEqual([
      `Bearer ${API_KEY}`,
      `Bearer ${API_KEY}`,
    ]);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toContain('Incorrect API key provided: [redacted].');
    expect(logLines.length).toBeGreaterThan(0);
    for (const text of [(error as Error).message, String((error as Error).stack), ...logLines]) {
      expect(text).not.toContain(API_KEY);
    }
  });

  it.each([
    [{ temperature: '0.2' }, 'openai runtime option temperature is not known'],
    [{ api: 'responses' }, 'openai runtime option api="responses" must be chat or completions'],
    [{ base_url: '' }, 'openai runtime option base_url is required'],
    [{ max_in_flight: '0' }, 'openai runtime option max_in_flight="0" must be at least 1'],
    [
      { api_key_env: 'MISSING_KEY' },
      'reads its API key from environment variable MISSING_KEY, which is not set',
    ],
  ])('refuses options %j at load', async (options, message) => {
    const load = loadModel(options);

    await expect(load).rejects.toBeInstanceOf(FailedPreconditionError);
    await expect(load).rejects.toThrow(message);
  });

  it('refuses outputs it does not produce at load', async () => {
    await expect(loadModel({}, { outputs: ['correct'] })).rejects.toThrow(
      'openai model gpt-4o declares output correct; openai outputs are text_output, output_tokens, cost_usd',
    );
  });

  it('fails the batch in flight when the model is unloaded', async () => {
    upstream.reply = () => ({ body: recorded('chat_completion_capital'), delayMs: 2_000 });
    const model = await loadModel();
    const answer = model.infer(batchOf([CAPITAL]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await model.unload();

    await expect(answer).rejects.toSatisfy((error) => error instanceof SwitchboardError && error.retryable);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const nowMs = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

    expect(parseRetryAfterMs('120', nowMs)).toBe(120_000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:03 GMT', nowMs)).toBe(3_000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', nowMs)).toBe(0);
    expect(parseRetryAfterMs('soon', nowMs)).toBeUndefined();
    expect(parseRetryAfterMs(null, nowMs)).toBeUndefined();
  });
});
