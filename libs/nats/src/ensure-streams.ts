import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isStreamNotFound } from './jetstream-errors.js';
import type { SubjectNames } from './subject-names.js';

/** How long JetStream remembers a Nats-Msg-Id to drop a re-published job. */
const DUPLICATE_WINDOW_MS = 120_000;
/** Telemetry is kept long enough for a monitor to be down for a while and catch up. */
const TELEMETRY_MAX_AGE_MS = 24 * 3_600_000;
const TELEMETRY_MAX_BYTES = 1024 * 1024 * 1024;
/** Dead letters are kept for inspection this long. */
const DEAD_LETTER_MAX_AGE_MS = 7 * 24 * 3_600_000;

async function ensureStream(manager: JetStreamManager, config: Partial<StreamConfig> & { name: string }) {
  try {
    await manager.streams.info(config.name);
    await manager.streams.update(config.name, config);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await manager.streams.add(config);
  }
}

/**
 * Creates (or updates) the INFER stream: work-queue retention, so each job is removed once a worker
 * acks it and a job is delivered to one consumer only; file storage, so accepted jobs survive a
 * NATS restart; a duplicate window so a job re-published with the same request id is stored once.
 */
export async function ensureInferStream(manager: JetStreamManager, names: SubjectNames): Promise<void> {
  await ensureStream(manager, {
    name: names.inferStream,
    subjects: [names.inferWildcard],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
}

/** Creates (or updates) the DEADLETTER stream that keeps jobs no worker could serve. */
export async function ensureDeadLetterStream(manager: JetStreamManager, names: SubjectNames): Promise<void> {
  await ensureStream(manager, {
    name: names.deadLetterStream,
    subjects: [names.deadLetterWildcard],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
  });
}

/**
 * Creates (or updates) the TELEMETRY stream: limits retention (records stay for every reader until
 * they age out), so a monitor that restarts replays from where it stopped. Producers publish with
 * core NATS; the stream captures the subjects without a per-record acknowledgement on the hot path.
 */
export async function ensureTelemetryStream(manager: JetStreamManager, names: SubjectNames): Promise<void> {
  await ensureStream(manager, {
    name: names.telemetryStream,
    subjects: [names.telemetryWildcard],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(TELEMETRY_MAX_AGE_MS),
    max_bytes: TELEMETRY_MAX_BYTES,
  });
}
