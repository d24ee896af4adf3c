import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAzureTrace, parseJsonLinesTrace, parseTrace, toArrivals } from './read-trace.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url)), 'utf8');
const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';

describe('parseAzureTrace', () => {
  it('reads the first rows of the real conversation trace with their token counts and sub-millisecond times', () => {
    const rows = parseAzureTrace(fixture('azure-conv-first-12.csv'), 'conv.csv');

    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ promptTokens: 374, outputTokens: 44 });
    expect(rows[11]).toMatchObject({ promptTokens: 394, outputTokens: 59 });
    expect((rows[1]?.atMs ?? 0) - (rows[0]?.atMs ?? 0)).toBeCloseTo(4314.579, 3);
  });

  it('names the file and line of a malformed row', () => {
    const text = `${HEADER}\n2023-11-16 18:00:00.0000000,100,5\n2023-11-16 18:00:01.0000000,100,many\n`;
    expect(() => parseAzureTrace(text, 'trace.csv')).toThrow(/trace\.csv:3: GeneratedTokens "many"/);
    expect(() => parseAzureTrace(`${HEADER}\nyesterday,1,2\n`, 'trace.csv')).toThrow(
      /trace\.csv:2: timestamp/,
    );
  });

  it('refuses a file without the trace header', () => {
    expect(() => parseAzureTrace('time,tokens\n1,2\n', 'other.csv')).toThrow(
      /other\.csv: expected the header/,
    );
  });
});

describe('parseJsonLinesTrace', () => {
  it('reads the same real requests in the JSON Lines format to the same rows', () => {
    const fromJson = toArrivals(parseJsonLinesTrace(fixture('azure-conv-first-12.jsonl'), 'conv.jsonl'));
    const fromCsv = toArrivals(parseAzureTrace(fixture('azure-conv-first-12.csv'), 'conv.csv'));

    expect(fromJson.map(({ promptTokens, outputTokens }) => [promptTokens, outputTokens])).toEqual(
      fromCsv.map(({ promptTokens, outputTokens }) => [promptTokens, outputTokens]),
    );
    fromJson.forEach((arrival, index) =>
      expect(arrival.offsetMs).toBeCloseTo(fromCsv[index]?.offsetMs ?? -1, 2),
    );
  });

  it('names the file and line of a malformed line', () => {
    const good = '{"timestamp":0,"input_length":10,"output_length":2}';
    expect(() => parseJsonLinesTrace(`${good}\nnot json\n`, 't.jsonl')).toThrow(
      /t\.jsonl:2: not a JSON object/,
    );
    expect(() =>
      parseJsonLinesTrace(`${good}\n{"timestamp":5,"input_length":-1,"output_length":2}`, 't.jsonl'),
    ).toThrow(/t\.jsonl:2: input_length -1/);
    expect(() => parseJsonLinesTrace(`{"input_length":1,"output_length":2}`, 't.jsonl')).toThrow(
      /t\.jsonl:1: timestamp/,
    );
  });
});

describe('parseTrace', () => {
  it('tells the two formats apart by their first line', () => {
    expect(parseTrace(fixture('azure-conv-first-12.jsonl'), 'a')).toHaveLength(12);
    expect(parseTrace(fixture('azure-conv-first-12.csv'), 'b')).toHaveLength(12);
  });
});

describe('toArrivals', () => {
  it('merges rows of several files on their timestamps, with offsets from the earliest', () => {
    const code = parseAzureTrace(`${HEADER}\n2023-11-16 18:00:02.0000000,300,1\n`, 'code.csv');
    const conversation = parseAzureTrace(
      `${HEADER}\n2023-11-16 18:00:01.0000000,100,1\n2023-11-16 18:00:03.5000000,200,9\n`,
      'conv.csv',
    );
    expect(toArrivals([...code, ...conversation])).toEqual([
      { offsetMs: 0, promptTokens: 100, outputTokens: 1 },
      { offsetMs: 1000, promptTokens: 300, outputTokens: 1 },
      { offsetMs: 2500, promptTokens: 200, outputTokens: 9 },
    ]);
  });
});
