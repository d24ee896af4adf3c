import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { workConsumerName } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { testInfrastructure, waitFor } from '@switchboard/testkit';

/**
 * Resolves once workers hold at least `count` jobs of `model` at the default priority (delivered and
 * not yet acked), so a test can act on a worker that really has work in hand.
 */
export async function waitForHeldJobs(names: SubjectNames, model: string, count: number): Promise<void> {
  const nats = await connect({ servers: testInfrastructure().natsUrl });
  try {
    const manager = await jetstreamManager(nats);
    await waitFor(
      async () =>
        (await manager.consumers.info(names.inferStream, workConsumerName(model, 2))).num_ack_pending >=
        count,
      { timeoutMs: 10_000, intervalMs: 10, message: `${count} held jobs of ${model}` },
    );
  } finally {
    await nats.close();
  }
}
