import type { Predictor } from './predictor.js';

/** The baseline every other predictor has to beat: the next steps look like the last one. */
export function createNaivePredictor(): Predictor {
  let last: number | undefined;
  return {
    name: 'naive',
    observe(ratePerSecond) {
      last = ratePerSecond;
    },
    forecast() {
      return last;
    },
  };
}
