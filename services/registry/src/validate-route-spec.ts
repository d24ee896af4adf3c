import { clone } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { RouteSpecSchema } from '@switchboard/protocol';
import type { RouteSpec } from '@switchboard/protocol';
import { validateName } from './validate-name.js';

const MAX_DESCRIPTION_LENGTH = 1024;

/**
 * Checks a route spec from a PutRoute request and returns a copy without the server-owned
 * `updatedAtUnixMs`. Whether the listed models exist is checked when the route is stored.
 * @throws InvalidArgumentError when a name is malformed, no model is listed, a model is listed twice
 * or the description is too long.
 */
export function validateRouteSpec(spec: RouteSpec | undefined): RouteSpec {
  if (spec === undefined) throw new InvalidArgumentError('route is required');
  validateName('route', spec.name);
  const label = `route ${JSON.stringify(spec.name)}`;
  if (spec.models.length === 0) throw new InvalidArgumentError(`${label} must list at least one model`);
  for (const model of spec.models) validateName('model', model);
  const duplicate = spec.models.find((model, index) => spec.models.indexOf(model) !== index);
  if (duplicate !== undefined) {
    throw new InvalidArgumentError(`${label} lists model ${JSON.stringify(duplicate)} more than once`);
  }
  if (spec.description.length > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidArgumentError(
      `${label}: description is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
    );
  }
  const route = clone(RouteSpecSchema, spec);
  route.updatedAtUnixMs = 0n;
  return route;
}
