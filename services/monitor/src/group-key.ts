import type { RequestRecord } from '@switchboard/protocol';

/** The dimensions request figures are grouped by. Empty route: the client named a model. */
export interface GroupKey {
  readonly model: string;
  readonly version: string;
  readonly route: string;
  readonly tenant: string;
}

/** Suffix of the route of shadow copies, so they never count in the figures of the route's real answers. */
const SHADOW_ROUTE_SUFFIX = '~shadow';

/**
 * The group of every request record that arrives once the monitor already holds its limit of
 * groups: figures for names beyond the limit are kept, together, instead of growing memory.
 */
export const OVERFLOW_GROUP: GroupKey = Object.freeze({
  model: '(other)',
  version: '',
  route: '(other)',
  tenant: '(other)',
});

/** The group a request record counts in; shadow copies count under `<route>~shadow`. */
export function groupKeyOf(record: RequestRecord): GroupKey {
  const route = record.shadow ? `${record.route}${SHADOW_ROUTE_SUFFIX}` : record.route;
  return { model: record.model, version: record.version, route, tenant: record.tenant };
}

/** A map key for a group; JSON so that no separator character inside a name can collide. */
export function groupKeyText(group: GroupKey): string {
  return JSON.stringify([group.model, group.version, group.route, group.tenant]);
}

/** Orders groups by model, route, tenant, then version, the order tables print them in. */
export function compareGroupKeys(left: GroupKey, right: GroupKey): number {
  return (
    left.model.localeCompare(right.model) ||
    left.route.localeCompare(right.route) ||
    left.tenant.localeCompare(right.tenant) ||
    left.version.localeCompare(right.version)
  );
}
