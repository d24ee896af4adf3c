import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { Modality, RequestRecordSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';

/** A request record to publish, minus the timestamp. */
export type RequestRecordInit = Omit<MessageInitShape<typeof RequestRecordSchema>, 'atUnixMs' | '$typeName'>;

/** The tenant of requests until authentication names one. */
export const ANONYMOUS_TENANT = 'anonymous';

/** The request class used to group figures: the model's modality, e.g. "structured". */
export function requestClassOf(model: ModelSpec | undefined): string {
  if (model === undefined) return 'unknown';
  const name = Modality[model.modality] ?? 'UNSPECIFIED';
  return name.toLowerCase();
}

/** What serving `elements` input elements on `model` costs, in millionths of a dollar. */
export function costOf(model: ModelSpec, elements: number): number {
  return Number(model.costPerCallMicros) + model.costPerUnitMicros * elements;
}

/**
 * Publishes one record per finished request on telemetry.request.<model>, where the TELEMETRY stream
 * keeps it for the monitor. Core NATS: a lost record must never slow or fail a request.
 */
export function publishRequestRecord(
  connection: NatsConnection,
  names: SubjectNames,
  record: RequestRecordInit,
): void {
  const message = create(RequestRecordSchema, { ...record, atUnixMs: BigInt(Date.now()) });
  connection.publish(
    names.telemetryRequestSubject(message.model || 'unknown'),
    toBinary(RequestRecordSchema, message),
  );
}
