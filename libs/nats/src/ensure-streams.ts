import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { DEFAULT_TELEMETRY_MAX_BYTES } from '@switchboard/config';
import { isInsufficientStorage, isReplicasRefused, isStreamNotFound } from './jetstream-errors.js';
import type { SubjectNames } from './subject-names.js';

/**
 * The JetStream streams Switchboard uses: `infer` holds the jobs, `dead-letter` the jobs no worker
 * could serve, `telemetry` the request and batch records the monitor reads, `feedback` the clients'
 * scores joined to the router's decisions, which the optimizer learns from.
 */
export type StreamKind = 'infer' | 'dead-letter' | 'telemetry' | 'feedback';

const ALL_STREAMS: readonly StreamKind[] = ['infer', 'dead-letter', 'telemetry', 'feedback'];

/** How long JetStream remembers a Nats-Msg-Id to drop a re-published job. */
export const DUPLICATE_WINDOW_MS = 120_000;
/** Dead letters are kept for inspection this long. */
const DEAD_LETTER_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** Telemetry is kept long enough for a monitor to be down for a while and catch up. */
const TELEMETRY_MAX_AGE_MS = 24 * 3_600_000;
/** Feedback is kept a week: an optimizer down for days still learns from it when it returns. */
const FEEDBACK_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Which streams to ensure and how large telemetry may grow. */
export interface EnsureStreamsOptions {
  /** The streams to ensure; all three when omitted. */
  readonly kinds?: readonly StreamKind[];
  /** The TELEMETRY stream's byte limit (`TELEMETRY_MAX_BYTES`); 1 GiB when omitted. */
  readonly telemetryMaxBytes?: number;
  /** Servers of the JetStream cluster holding each stream (`NATS_STREAM_REPLICAS`); 1 when omitted. */
  readonly replicas?: number;
}

type StreamSettings = Partial<StreamConfig> & { name: string };

/**
 * Creates the streams of `kinds` that do not exist and updates the others to the settings below, so
 * every service may start first. File storage throughout: accepted jobs and records survive a NATS
 * restart.
 * - `infer`: work-queue retention, so a job goes to one consumer only and is removed once a worker
 *   acks it; a duplicate window, so a job re-published with the same request id is stored once.
 * - `dead-letter`: kept 7 days for inspection.
 * - `feedback`: kept 7 days, with a duplicate window so a retried feedback is stored once.
 * - `telemetry`: kept 24 h (at most `telemetryMaxBytes`, oldest dropped first) for every reader, so a
 *   monitor that restarts replays from where it stopped. Producers publish with core NATS: the
 *   stream captures the subjects without a per-record acknowledgement on the hot path.
 * @throws Error when JetStream has no room to reserve the telemetry limit, naming the variable to
 * lower; Error naming NATS_STREAM_REPLICAS when the server cannot hold that many replicas; Error (from JetStream) when a stream cannot be read, created or updated otherwise, e.g.
 * because an existing stream's settings cannot be changed in place.
 */
export async function ensureStreams(
  manager: JetStreamManager,
  names: SubjectNames,
  options: EnsureStreamsOptions = {},
): Promise<void> {
  const { kinds = ALL_STREAMS, telemetryMaxBytes = DEFAULT_TELEMETRY_MAX_BYTES, replicas = 1 } = options;
  for (const kind of kinds) {
    await ensureStream(manager, {
      ...toStreamSettings(kind, names, telemetryMaxBytes),
      num_replicas: replicas,
    });
  }
}

function toStreamSettings(kind: StreamKind, names: SubjectNames, telemetryMaxBytes: number): StreamSettings {
  switch (kind) {
    case 'infer':
      return {
        name: names.inferStream,
        subjects: [names.inferWildcard],
        storage: StorageType.File,
        retention: RetentionPolicy.Workqueue,
        discard: DiscardPolicy.New,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      };
    case 'dead-letter':
      return keptForAge(names.deadLetterStream, names.deadLetterWildcard, DEAD_LETTER_MAX_AGE_MS);
    case 'feedback':
      return {
        ...keptForAge(names.feedbackStream, names.feedbackWildcard, FEEDBACK_MAX_AGE_MS),
        // A client retrying its feedback within the window is stored once.
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      };
    case 'telemetry':
      return {
        ...keptForAge(names.telemetryStream, names.telemetryWildcard, TELEMETRY_MAX_AGE_MS),
        max_bytes: telemetryMaxBytes,
      };
  }
}

/** A stream that keeps every message on `subject` for every reader until it is `maxAgeMs` old. */
function keptForAge(name: string, subject: string, maxAgeMs: number): StreamSettings {
  return {
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(maxAgeMs),
  };
}

/** Creates or updates one stream, explaining a refused reservation or replica count in terms of our settings. */
async function ensureStream(manager: JetStreamManager, settings: StreamSettings): Promise<void> {
  try {
    await createOrUpdate(manager, settings);
  } catch (error) {
    if (isReplicasRefused(error) && (settings.num_replicas ?? 1) > 1) {
      throw new Error(
        `NATS refused ${settings.num_replicas} replicas for stream ${settings.name}: set NATS_STREAM_REPLICAS=1 ` +
          'for a single server, or run a JetStream cluster of at least that many servers',
        { cause: error },
      );
    }
    if (!isInsufficientStorage(error) || settings.max_bytes === undefined) throw error;
    throw new Error(
      `JetStream has no room to reserve ${settings.max_bytes} bytes for stream ${settings.name}: ` +
        'lower TELEMETRY_MAX_BYTES (e.g. 268435456 for 256 MiB), give the NATS server more storage ' +
        '(jetstream max_file_store), or delete the streams of namespaces no longer used',
      { cause: error },
    );
  }
}

async function createOrUpdate(manager: JetStreamManager, settings: StreamSettings): Promise<void> {
  try {
    await manager.streams.info(settings.name);
    await manager.streams.update(settings.name, settings);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await manager.streams.add(settings);
  }
}
