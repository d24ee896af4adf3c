import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Pixels per SVG unit in the PNG: twice the chart's nominal size, so text stays sharp when zoomed. */
const PNG_ZOOM = 2;

/**
 * Draws a Vega-Lite spec as a PNG on a white background, at twice its nominal size. Headless: Vega
 * renders to SVG without a canvas, and resvg rasterises the SVG with the system's fonts.
 *
 * @throws Error when the spec does not compile or Vega fails to evaluate it.
 */
export async function renderChartPng(spec: TopLevelSpec): Promise<Uint8Array> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const image = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: PNG_ZOOM },
      font: { loadSystemFonts: true },
      background: 'white',
    }).render();
    return image.asPng();
  } finally {
    view.finalize();
  }
}
