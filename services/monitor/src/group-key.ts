import type { RequestRecord } from '@switchboard/protocol';

/** The dimensions request figures are grouped by. Empty route: the client named a model. */
export interface GroupKey {
  readonly model: string;
  readonly version: string;
  readonly route: string;
  readonly tenant: string;
}

/** The group a request record counts in. */
export function groupKeyOf(record: RequestRecord): GroupKey {
  return { model: record.model, version: record.version, route: record.route, tenant: record.tenant };
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
