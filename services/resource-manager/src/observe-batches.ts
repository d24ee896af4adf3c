import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { subscribeDecoded } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema } from '@switchboard/protocol';
import type { ReplicaCapacity } from './planning/replica-capacity.js';

/**
 * Feeds every successful batch the workers report (`telemetry.batch.<model>`) into `capacity`, which
 * fits each model's execute time against batch size. Core NATS: a missed record only costs a sample.
 * Only models `isKnown` accepts are kept, so a stray subject cannot grow the fits.
 */
export function observeBatches(
  connection: NatsConnection,
  names: SubjectNames,
  capacity: ReplicaCapacity,
  isKnown: (model: string) => boolean,
  logger: Logger,
): Subscription {
  return subscribeDecoded(
    connection,
    `${names.telemetryBatchPrefix}*`,
    BatchRecordSchema,
    (record) => {
      if (record.failed > 0 || record.size === 0 || !isKnown(record.model)) return;
      capacity.observe(record.model, record.size, Number(record.executeUs));
    },
    logger,
    'batch record',
  );
}
