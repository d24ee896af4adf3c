/**
 * The problem with a rollout or shadow share, or an empty list when it is in (0, 100]: a share of
 * 0 would never be picked and one above 100 cannot be.
 */
export function checkPercent(label: string, percent: number): string[] {
  return percent > 0 && percent <= 100 ? [] : [`${label}: percent ${percent} must be in (0, 100]`];
}
