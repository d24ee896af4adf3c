import { randomBytes } from 'node:crypto';

const MAX_LABEL_LENGTH = 24;
const RANDOM_SUFFIX_BYTES = 6;

/**
 * Returns a unique prefix for one test's streams, subjects, KV buckets, consumers or
 * database names, so tests sharing one NATS server or PostgreSQL never see each other's
 * data. The result is lowercase letters and digits only, starting with `t`: valid as a NATS
 * subject token, a stream, consumer or KV bucket name, and an unquoted SQL identifier.
 * @param label a readable hint such as the unit under test; other characters are dropped
 * @example createTestNamespace('router') // 'trouter3kq0v9z1x8m'
 */
export function createTestNamespace(label: string): string {
  const readable = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, MAX_LABEL_LENGTH);
  const random = BigInt(`0x${randomBytes(RANDOM_SUFFIX_BYTES).toString('hex')}`).toString(36);
  return `t${readable}${random}`;
}
