import { randomBytes } from 'node:crypto';

/** Random bytes in a generated key: 256 bits, beyond guessing. */
const API_KEY_BYTES = 32;

/** A new API key: 32 random bytes in base64url (43 characters that need no quoting in metadata). */
export function generateApiKey(): string {
  return randomBytes(API_KEY_BYTES).toString('base64url');
}
