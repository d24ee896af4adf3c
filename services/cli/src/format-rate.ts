/** A rate per second with two decimals below 10 and one above: 0.05, 7.61, 14.5, 130.0. */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1);
}
