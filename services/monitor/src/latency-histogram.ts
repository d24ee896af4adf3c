import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/**
 * Decimal digits HDR keeps apart: every reported value is within 0.1 % (1 part in 10^3) of a
 * recorded one. Three digits is HdrHistogram's usual choice; 2 would cut memory ~8× at 1 % error.
 */
const SIGNIFICANT_DIGITS = 3;

/**
 * Int32 counts: packed histograms are ~100× slower to merge, and windows merge on every read. The
 * range starts tiny and grows (autoResize) to the largest value seen, so an idle group costs little.
 */
function createHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    autoResize: true,
  });
}

/**
 * An HDR histogram of durations in microseconds, with its compressed base64 form (HdrHistogram's
 * V2 encoding, readable by any HdrHistogram implementation) cached until the next change, so that
 * checkpoints re-encode only the histograms that moved.
 */
export class LatencyHistogram {
  #histogram: Histogram;
  #encoded: string | undefined;

  private constructor(histogram: Histogram) {
    this.#histogram = histogram;
  }

  /** An empty histogram. */
  static create(): LatencyHistogram {
    return new LatencyHistogram(createHistogram());
  }

  /**
   * Rebuilds a histogram from {@link LatencyHistogram.encode}'s output.
   * @throws Error when `encoded` is not a V2 compressed HDR histogram.
   */
  static decode(encoded: string): LatencyHistogram {
    const histogram = decodeFromCompressedBase64(encoded, 32);
    // Decoding fixes the range to the encoded one; later values may be larger.
    histogram.autoResize = true;
    const decoded = new LatencyHistogram(histogram);
    decoded.#encoded = encoded;
    return decoded;
  }

  /** Values recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Records one duration; negative values (clock steps) count as 0, fractions are rounded. */
  record(valueUs: number): void {
    this.#histogram.recordValue(Math.max(0, Math.round(valueUs)));
    this.#encoded = undefined;
  }

  /** Adds every value of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    if (other.count === 0) return;
    this.#histogram.add(other.#histogram);
    this.#encoded = undefined;
  }

  /** The mean of the recorded values, microseconds; 0 when empty. */
  meanUs(): number {
    return this.#histogram.totalCount === 0 ? 0 : this.#histogram.mean;
  }

  /**
   * The nearest-rank value at `percentile` (0–100) in microseconds: the smallest recorded value such
   * that at least ceil(percentile% × count) values are ≤ it, reported as the top of its HDR bucket
   * (so at most 0.1 % above it, see {@link SIGNIFICANT_DIGITS}); 0 when empty.
   */
  percentileUs(percentile: number): number {
    return this.count === 0 ? 0 : this.#histogram.getValueAtPercentile(percentile);
  }

  /** The compressed base64 form. */
  encode(): string {
    this.#encoded ??= encodeIntoCompressedBase64(this.#histogram);
    return this.#encoded;
  }
}
