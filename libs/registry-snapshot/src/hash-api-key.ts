import { createHash } from 'node:crypto';

/**
 * The SHA-256 of an API key (its UTF-8 bytes) as 64 lowercase hex digits. The registry stores only
 * this and keys tenants by it in the `registry` bucket ({@link tenantKey}); the router hashes the
 * key a request carries the same way to find its tenant. The key is taken as given: callers trim
 * transport whitespace first.
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}
