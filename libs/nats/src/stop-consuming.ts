import { setTimeout as delay } from 'node:timers/promises';
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';

/**
 * How long a drain may wait for the server's answer. A connection that is reconnecting would hold
 * it forever; past this the messages in flight are left to AckWait, as a plain stop leaves them.
 */
const DRAIN_TIMEOUT_MS = 2_000;

/**
 * Stops a pull consumer's `consume()` without stranding messages.
 *
 * `stop()` alone forgets the subscription at once, while the server may still be sending messages
 * for the open pull request. Those land on a closed inbox, yet count as delivered: each waits out
 * the consumer's AckWait (seconds to minutes) before anyone else may have it, so a job handed to a
 * draining worker looks lost to its caller. Draining the subscription first (UNSUB, then a PING
 * round trip) delivers everything the server sent before it saw the UNSUB to the iterator, where
 * the reader handles it or hands it back; only then does the iterator end.
 */
export async function stopConsuming(messages: ConsumerMessages): Promise<void> {
  // The pull subscription is not part of nats.js' public types; its `drain()` is the standard one.
  const subscription = (messages as Partial<{ sub: Subscription }>).sub;
  if (subscription !== undefined && !subscription.isClosed()) {
    const timeout = new AbortController();
    await Promise.race([
      // A closed connection has nothing left in flight to drain.
      subscription.drain().catch(() => undefined),
      delay(DRAIN_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined),
    ]);
    timeout.abort();
  }
  messages.stop();
}
