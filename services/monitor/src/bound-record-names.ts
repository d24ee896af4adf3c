import { ANONYMOUS_TENANT, UNKNOWN_NAME } from '@switchboard/protocol';
import type { BatchRecord, RequestRecord } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';

/**
 * Replaces each name in a freshly decoded request record that the registry does not know — model,
 * version, route, tenant — by `(unknown)`, in place. Figures are grouped by these names, so a name
 * that reached a record unchecked (from a client, through any publisher on `telemetry.>`) would
 * otherwise become a group of its own, with its own histograms, kept for good. An empty route (the
 * client named a model) stays empty.
 */
export function boundRequestRecordNames(record: RequestRecord, registry: RegistrySnapshot): void {
  const model = registry.getModel(record.model);
  record.model = model === undefined ? UNKNOWN_NAME : record.model;
  record.version = knownVersion(record.version, model?.version, model?.versions);
  if (record.route !== '' && registry.getRoute(record.route) === undefined) record.route = UNKNOWN_NAME;
  if (record.tenant !== ANONYMOUS_TENANT && !registry.hasTenant(record.tenant)) record.tenant = UNKNOWN_NAME;
}

/** The same for a batch record: its model and version. */
export function boundBatchRecordNames(record: BatchRecord, registry: RegistrySnapshot): void {
  const model = registry.getModel(record.model);
  record.model = model === undefined ? UNKNOWN_NAME : record.model;
  record.version = knownVersion(record.version, model?.version, model?.versions);
}

/** `version` when the model has it (current or listed) or it is empty, '' when the model is unknown, else `(unknown)`. */
function knownVersion(
  version: string,
  current: string | undefined,
  listed: readonly string[] | undefined,
): string {
  if (current === undefined || version === '') return '';
  return version === current || listed?.includes(version) === true ? version : UNKNOWN_NAME;
}
