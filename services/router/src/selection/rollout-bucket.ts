import { createHash } from 'node:crypto';

/**
 * Places a key in one of 100 equal buckets, as a number in [0, 100). The same key always lands in
 * the same place, so a request id keeps its rollout arm however often it is retried, and different
 * keys spread evenly (MD5 is used for its spread, not for security).
 */
export function rolloutBucket(key: string): number {
  return (createHash('md5').update(key).digest().readUInt32BE(0) / 2 ** 32) * 100;
}
