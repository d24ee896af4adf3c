import { FailedPreconditionError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { parseLlmOptions } from './parse-llm-options.js';

const REQUIRED = {
  ttft_ms: '200',
  prefill_us_per_token: '100',
  decode_ms_per_token: '20',
  outcomes_file: '/data/routerbench/gpt-4.jsonl',
};

describe('parseLlmOptions', () => {
  it('reads the required options and fills in 4 bytes per token, no jitter, seed 0 and no load time', () => {
    expect(parseLlmOptions({ ...REQUIRED, jitter: '' })).toEqual({
      timing: { ttftMs: 200, prefillUsPerToken: 100, decodeMsPerToken: 20, jitter: 0 },
      outcomesFile: '/data/routerbench/gpt-4.jsonl',
      bytesPerToken: 4,
      seed: 0,
      loadMs: 0,
    });
  });

  it('takes bytes_per_token, jitter, seed and load_ms when given', () => {
    const options = parseLlmOptions({
      ...REQUIRED,
      bytes_per_token: '3.5',
      jitter: '0.2',
      seed: '42',
      load_ms: '1500',
    });

    expect(options).toMatchObject({ bytesPerToken: 3.5, seed: 42, timing: { jitter: 0.2 }, loadMs: 1500 });
  });

  it.each([
    ['an empty ttft_ms', { ttft_ms: '' }, 'ttft_ms is required'],
    [
      'a prefill that is no number',
      { prefill_us_per_token: 'fast' },
      'prefill_us_per_token="fast" must be a number >= 0',
    ],
    [
      'a negative decode time',
      { decode_ms_per_token: '-20' },
      'decode_ms_per_token="-20" must be a number >= 0',
    ],
    ['a number in hex', { ttft_ms: '0x10' }, 'ttft_ms="0x10" must be a number >= 0'],
    [
      'a relative outcomes file',
      { outcomes_file: 'gpt-4.jsonl' },
      'outcomes_file="gpt-4.jsonl" must be an absolute path',
    ],
    ['zero bytes per token', { bytes_per_token: '0' }, 'bytes_per_token="0" must be > 0'],
    ['jitter that could make latency negative', { jitter: '10' }, 'jitter="10" must be at most 2'],
    ['a fractional seed', { seed: '1.5' }, 'seed="1.5" must be an integer >= 0'],
    [
      'a misspelt option',
      { jiter: '0.2' },
      'jiter is not known; the options are ttft_ms, prefill_us_per_token, ',
    ],
  ])('refuses %s, naming the option', (_, change, problem) => {
    const parse = () => parseLlmOptions({ ...REQUIRED, ...change });

    expect(parse).toThrow(FailedPreconditionError);
    expect(parse).toThrow(`synthetic-llm runtime option ${problem}`);
  });

  it('refuses options without an outcomes file', () => {
    const { outcomes_file: _, ...withoutFile } = REQUIRED;

    expect(() => parseLlmOptions(withoutFile)).toThrow(
      'synthetic-llm runtime option outcomes_file is required',
    );
  });
});
