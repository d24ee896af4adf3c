import { UnavailableError } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';

/**
 * Runs a mirror step after a committed Postgres change. If NATS fails, the change is still saved;
 * the caller learns that (UNAVAILABLE, retryable) instead of a bare INTERNAL, and the mirror repairs
 * the bucket on its next sync or at the next start.
 * @throws UnavailableError when the step fails; its cause is logged here.
 */
export async function mirrorOrExplain(
  step: () => Promise<void>,
  subject: string,
  logger: Logger,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    logger.warn({ err: error, subject }, 'saved in Postgres but could not mirror to NATS');
    throw new UnavailableError(
      `${subject} was saved, but publishing it to NATS failed; the registry repairs the NATS copy on its next change or restart`,
      { cause: error },
    );
  }
}
