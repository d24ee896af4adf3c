/** What the search needs to know of one measured arrival rate. */
export interface RatePoint {
  /** The arrival rate the probe offered, requests per second. */
  readonly offeredRps: number;
  /** Whether the probe's P99 stayed within the SLO (with no more than 1% of requests failing). */
  readonly withinSlo: boolean;
}

/** Options of {@link searchMaxRate}. */
export interface RateSearchOptions<Point extends RatePoint> {
  /** The first rate probed, requests per second. */
  readonly startRps: number;
  /** Factor between successive rates until one passes and one fails. @default 2 */
  readonly growth?: number;
  /** Geometric bisection steps between the highest pass and the lowest failure found. */
  readonly bisections: number;
  /** No rate below this is probed; the search gives up there. */
  readonly minRps: number;
  /** No rate above this is probed; the search stops there when it still passes. */
  readonly maxRps: number;
  /** Measures one rate. */
  readonly probe: (rps: number) => Promise<Point>;
}

/** What {@link searchMaxRate} found. */
export interface RateSearchResult<Point extends RatePoint> {
  /** The passing probe of the highest offered rate; undefined when none passed. */
  readonly best: Point | undefined;
  /** Every probe, in the order they ran. */
  readonly points: readonly Point[];
  /** Whether a failing rate above `best` was found (false: the limit lies beyond `maxRps` or below `minRps`). */
  readonly bracketed: boolean;
}

const DEFAULT_GROWTH = 2;

/**
 * Finds the highest arrival rate whose probe stays within the SLO: from `startRps` it multiplies
 * the rate by `growth` while probes pass (divides while they fail) until one rate passes and a
 * neighbouring one fails, then bisects that bracket geometrically `bisections` times, so the answer
 * is within growth^(1/2^bisections) of the limit (about 9% for growth 2 and 3 bisections).
 * Probes run one after another.
 * @throws RangeError when the rates or the growth make no search.
 */
export async function searchMaxRate<Point extends RatePoint>(
  options: RateSearchOptions<Point>,
): Promise<RateSearchResult<Point>> {
  const growth = options.growth ?? DEFAULT_GROWTH;
  const { minRps, maxRps } = options;
  if (!(growth > 1) || !(minRps > 0) || !(maxRps >= minRps)) {
    throw new RangeError(
      `a rate search needs growth > 1 and 0 < minRps <= maxRps, got ${growth}, ${minRps}, ${maxRps}`,
    );
  }
  const points: Point[] = [];
  const measure = async (rps: number) => {
    const point = await options.probe(rps);
    points.push(point);
    return point.withinSlo;
  };
  let passedRps: number | undefined;
  let failedRps: number | undefined;
  let rps = Math.min(maxRps, Math.max(minRps, options.startRps));
  for (;;) {
    if (await measure(rps)) {
      passedRps = rps;
      if (failedRps !== undefined || rps >= maxRps) break;
      rps = Math.min(maxRps, rps * growth);
    } else {
      failedRps = rps;
      if (passedRps !== undefined || rps <= minRps) break;
      rps = Math.max(minRps, rps / growth);
    }
  }
  if (passedRps !== undefined && failedRps !== undefined) {
    for (let step = 0; step < options.bisections; step += 1) {
      const middleRps = Math.sqrt(passedRps * failedRps);
      if (await measure(middleRps)) passedRps = middleRps;
      else failedRps = middleRps;
    }
  }
  const passing = points.filter((point) => point.withinSlo);
  const best = passing.reduce<Point | undefined>(
    (highest, point) => (highest === undefined || point.offeredRps > highest.offeredRps ? point : highest),
    undefined,
  );
  const bracketed =
    best !== undefined && points.some((point) => !point.withinSlo && point.offeredRps > best.offeredRps);
  return { best, points, bracketed };
}
