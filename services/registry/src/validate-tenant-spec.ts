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
/** Most names in one access list: a tenant allowed more than this should be allowed everything. */
export const MAX_ACCESS_NAMES = 256;

/** A tenant from a PutTenant request, checked. */
export interface ValidTenant {
  name: string;
  tier: string;
  /** The key to store the hash of; undefined keeps the tenant's current key. */
  apiKey: string | undefined;
  /** Routes it may call, sorted and without duplicates; with `models` both empty it may call everything. */
  routes: string[];
  /** Models it may call by name, sorted and without duplicates. */
  models: string[];
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
  problems.push(...checkAccessList('route', spec.routes), ...checkAccessList('model', spec.models));
  if (problems.length > 0) {
    throw new InvalidArgumentError(`invalid tenant ${JSON.stringify(spec.name)}: ${problems.join('; ')}`);
  }
  return {
    name: spec.name,
    tier: spec.tier,
    apiKey: spec.apiKey === '' ? undefined : spec.apiKey,
    routes: [...new Set(spec.routes)].sort(),
    models: [...new Set(spec.models)].sort(),
  };
}

/**
 * Checks the names of an access list by the shared name rule. Names are not required to exist yet:
 * a tenant may be granted a route before it is created, and deleting a model does not edit tenants.
 */
function checkAccessList(kind: 'model' | 'route', names: readonly string[]): string[] {
  if (names.length > MAX_ACCESS_NAMES) {
    return [`${kind}s lists ${names.length} names; list at most ${MAX_ACCESS_NAMES} (or none for all)`];
  }
  return names.flatMap((name) => {
    const problem = describeNameProblem(kind, name);
    return problem === undefined ? [] : [`${kind}s: ${problem}`];
  });
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
