import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { renderChartPng } from './render-chart.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width of the plot area in SVG units; axes and legend make the image wider still. */
const NOMINAL_PLOT_WIDTH = 560;

/** A labelled scatter plot of `points`, the kind of chart the benchmarks draw. */
function scatterSpec(points: readonly { x: number; y: number; label: string }[]): TopLevelSpec {
  const axis = (field: string) => ({ field, type: 'quantitative' as const, scale: { domain: [0, 10] } });
  const encoding = { x: axis('x'), y: axis('y') };
  return {
    width: NOMINAL_PLOT_WIDTH,
    height: 320,
    data: { values: [...points] },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 120 },
        encoding: { ...encoding, color: { field: 'label' } },
      },
      { mark: { type: 'text', dy: -12 }, encoding: { ...encoding, text: { field: 'label' } } },
    ],
  };
}

const POINTS = Array.from({ length: 9 }, (_, index) => ({
  x: index + 1,
  y: 9 - index,
  label: `point ${index}`,
}));

describe('renderChartPng', () => {
  it('draws a spec as a PNG image of the marks, at twice the nominal size', async () => {
    const png = await renderChartPng(scatterSpec(POINTS));
    const withoutPoints = await renderChartPng(scatterSpec([]));
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
