import { InvalidArgumentError } from '@switchboard/errors';
import type { TenantSpec } from '@switchboard/protocol';
import { describeNameProblem, validateName } from './validate-name.js';

/** Shortest API key accepted: shorter keys are guessable. */
export const MIN_API_KEY_LENGTH = 16;
const MAX_API_KEY_LENGTH = 512;
/**
 * Printable ASCII without spaces: keys travel in gRPC metadata (`authorization: Bearer <key>`),
 * where other bytes are not allowed and surrounding whitespace is trimmed.
 */
const API_KEY_PATTERN = /^[\x21-\x7e]*$/;

/** A tenant from a PutTenant request, checked. */
export interface ValidTenant {
  name: string;
  tier: string;
  /** The key to store the hash of; undefined keeps the tenant's current key. */
  apiKey: string | undefined;
}

/**
 * Checks a tenant from a PutTenant request. An empty api_key means "keep the current key"; whether
 * the tenant exists (a new one needs a key) is checked when it is stored. Messages never repeat the
 * key.
 * @throws InvalidArgumentError when the name or tier is malformed or the key is too short, too long
 * or holds characters other than printable ASCII.
 */
export function validateTenantSpec(spec: TenantSpec | undefined): ValidTenant {
  if (spec === undefined) throw new InvalidArgumentError('tenant is required');
  validateName('tenant', spec.name);
  const problems: string[] = [];
  const tierProblem = describeNameProblem('tier', spec.tier);
  if (tierProblem !== undefined) problems.push(tierProblem);
  if (spec.apiKey !== '') problems.push(...checkApiKey(spec.apiKey));
  if (problems.length > 0) {
    throw new InvalidArgumentError(`invalid tenant ${JSON.stringify(spec.name)}: ${problems.join('; ')}`);
  }
  return { name: spec.name, tier: spec.tier, apiKey: spec.apiKey === '' ? undefined : spec.apiKey };
}

function checkApiKey(apiKey: string): string[] {
  const problems: string[] = [];
  if (apiKey.length < MIN_API_KEY_LENGTH || apiKey.length > MAX_API_KEY_LENGTH) {
    problems.push(
      `api_key has ${apiKey.length} characters; use ${MIN_API_KEY_LENGTH} to ${MAX_API_KEY_LENGTH} ` +
        '(e.g. 32 random bytes in base64url)',
    );
  }
  if (!API_KEY_PATTERN.test(apiKey)) {
    problems.push(
      'api_key may only hold printable ASCII characters without spaces (it travels in gRPC metadata)',
    );
  }
  return problems;
}
