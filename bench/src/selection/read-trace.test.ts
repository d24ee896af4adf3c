import { describe, expect, it } from 'vitest';
import { parseAzureTrace, toArrivals } from './read-trace.js';

// Rows in the trace's published format; the values are made up (the trace itself is not copied here).
const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';

describe('parseAzureTrace', () => {
  it('reads timestamps with seven fraction digits to sub-millisecond precision', () => {
    const rows = parseAzureTrace(
      `${HEADER}\n2023-11-16 18:00:00.0000000,100,5\n2023-11-16 18:00:01.2345670,2000,7\n`,
      'trace.csv',
    );
    expect(rows.map((row) => row.promptTokens)).toEqual([100, 2000]);
    expect((rows[1]?.atMs ?? 0) - (rows[0]?.atMs ?? 0)).toBeCloseTo(1234.567, 3);
  });

  it('names the file and line of a malformed row', () => {
    const text = `${HEADER}\n2023-11-16 18:00:00.0000000,100,5\n2023-11-16 18:00:01.0000000,many,7\n`;
    expect(() => parseAzureTrace(text, 'trace.csv')).toThrow(/trace\.csv:3: ContextTokens "many"/);
  });

  it('refuses a file without the trace header', () => {
    expect(() => parseAzureTrace('time,tokens\n1,2\n', 'other.csv')).toThrow(
      /other\.csv: expected the header/,
    );
  });
});

describe('toArrivals', () => {
  it('merges rows of several files on their timestamps, with offsets from the earliest', () => {
    const code = parseAzureTrace(`${HEADER}\n2023-11-16 18:00:02.0000000,300,1\n`, 'code.csv');
    const conversation = parseAzureTrace(
      `${HEADER}\n2023-11-16 18:00:01.0000000,100,1\n2023-11-16 18:00:03.5000000,200,1\n`,
      'conv.csv',
    );
    expect(toArrivals([...code, ...conversation])).toEqual([
      { offsetMs: 0, promptTokens: 100 },
      { offsetMs: 1000, promptTokens: 300 },
      { offsetMs: 2500, promptTokens: 200 },
    ]);
  });
});
