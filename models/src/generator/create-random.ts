/** A seeded source of pseudo-random numbers; the same seed always yields the same sequence. */
export interface Random {
  /** A uniform number in [0, 1). */
  uniform(): number;
  /** A standard normal number (mean 0, standard deviation 1). */
  normal(): number;
  /** A uniform integer in [0, bound). */
  integer(bound: number): number;
}

/**
 * Creates a mulberry32 generator. Chosen over Math.random because the build must produce the same
 * models byte for byte on every machine, and over a library because it is eight lines.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // Box-Muller; 1 - uniform() lies in (0, 1], so the logarithm stays finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    return radius * Math.cos(2 * Math.PI * uniform());
  };
  const integer = (bound: number): number => Math.floor(uniform() * bound);
  return { uniform, normal, integer };
}
