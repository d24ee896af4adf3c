import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { SAMPLE_RESULTS } from './__fixtures__/sample-replay.js';
import { costAccuracySpec } from './chart-specs.js';
import { renderChartPng } from './render-chart.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width of the cost/accuracy plot area in SVG units; axes and legend make the image wider still. */
const NOMINAL_PLOT_WIDTH = 560;

describe('renderChartPng', () => {
  it('draws a spec as a PNG image of the marks, at twice the nominal size', async () => {
    const png = await renderChartPng(costAccuracySpec(SAMPLE_RESULTS));
    const withoutPoints = await renderChartPng(costAccuracySpec({ ...SAMPLE_RESULTS, policies: {} }));
    expect([...png.subarray(0, PNG_SIGNATURE.length)]).toEqual(PNG_SIGNATURE);
    // Axes, grid and legend alone take some 30 kB; the points and their labels must add to that.
    expect(png.byteLength).toBeGreaterThan(withoutPoints.byteLength + 1_000);
    // The IHDR chunk starts at byte 16 with the width, a big-endian 32-bit integer.
    const widthPixels = new DataView(png.buffer, png.byteOffset).getUint32(16);
    expect(widthPixels).toBeGreaterThan(2 * NOMINAL_PLOT_WIDTH);
  });

  it('rejects a spec whose expression Vega cannot parse', async () => {
    const spec: TopLevelSpec = {
      data: { values: [{ value: 1 }] },
      transform: [{ filter: 'datum.value >' }],
      mark: 'point',
      encoding: { x: { field: 'value', type: 'quantitative' } },
    };
    await expect(renderChartPng(spec)).rejects.toThrow();
  });
});
