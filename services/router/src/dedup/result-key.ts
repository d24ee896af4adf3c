import { createHash } from 'node:crypto';
import type { ModelInferRequest } from '@switchboard/protocol';
import { requestBytesOf } from '../request-bytes.js';

/** A retry is served from the cache at most this many times with a fresh job (see nextResultKey). */
const MAX_GENERATION = 3;

/**
 * The key a request's answer is deduplicated and cached under: SHA-256 (base64url) of the tenant and
 * the request's wire bytes (its id among them). A retry resends the same bytes and meets its first
 * attempt; a different request that reuses an id (Triton's clients number requests from 0 per
 * run) does not, and one tenant can never read another's answer by guessing ids. A client-chosen
 * id never becomes a subject or key itself (DESIGN.md, "Names from clients"). Empty when the client
 * sent no id: such requests are not deduplicated.
 */
export function resultKey(tenant: string, request: ModelInferRequest): string {
  if (request.id === '') return '';
  // The bytes as they arrived, or as the job will carry them for a request built in process.
  const bytes = requestBytesOf(request);
  return createHash('sha256').update(tenant).update('\0').update(bytes).digest('base64url');
}

/**
 * The key of the next job for the same request after one whose job expired unexecuted (`<key>.2`,
 * `<key>.3`): the duplicate window still remembers the first key, and a deterministic successor lets
 * concurrent retries through several routers meet on one job again. Undefined after the last.
 */
export function nextResultKey(key: string): string | undefined {
  const [base = key, generation = '1'] = key.split('.');
  const next = Number(generation) + 1;
  return next > MAX_GENERATION ? undefined : `${base}.${next}`;
}
