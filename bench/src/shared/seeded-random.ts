import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A source of uniform numbers in [0, 1) that repeats exactly for the same seed. */
export type Random = () => number;

/**
 * A seeded generator (pure-rand's xoroshiro128+), so every strategy sees the same request sequence
 * and a run can be repeated. `stream` derives independent sequences from one seed (e.g. one for
 * the workload, one for the random strategy), so adding draws to one does not shift the other.
 */
export function createSeededRandom(seed: number, stream = 0): Random {
  const generator = xoroshiro128plus(seed);
  for (let jumps = 0; jumps < stream; jumps += 1) generator.jump();
  return () => uniformFloat64(generator);
}
