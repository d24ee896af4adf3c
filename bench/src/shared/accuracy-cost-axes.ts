/**
 * The x and y encodings every accuracy-against-cost chart shares: cost on a log scale (single models
 * span two orders of magnitude), accuracy without a zero baseline (policies sit between 50% and 100%),
 * both padded so labelled points at the edges stay inside the plot.
 */
export function accuracyCostAxes(options: { readonly costTitle: string; readonly accuracyFormat: string }) {
  return {
    x: {
      field: 'costUsd',
      type: 'quantitative',
      scale: { type: 'log', nice: false, padding: 30 },
      axis: { format: '.2~r' },
      title: options.costTitle,
    },
    y: {
      field: 'accuracy',
      type: 'quantitative',
      scale: { zero: false, padding: 20 },
      axis: { format: options.accuracyFormat },
      title: 'Accuracy (answered correctly)',
    },
  } as const;
}
