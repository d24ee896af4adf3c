export type { ConnectNatsOptions } from './connect-nats.js';
export { connectNats } from './connect-nats.js';
export { deleteNamespaceStreams } from './delete-namespace-streams.js';
export type { EnsureStreamsOptions, StreamKind } from './ensure-streams.js';
export { ensureStreams } from './ensure-streams.js';
export type { WorkConsumerOptions } from './ensure-work-consumer.js';
export { ensureWorkConsumer, workConsumerName } from './ensure-work-consumer.js';
export { isConsumerNotFound, isStreamNotFound } from './jetstream-errors.js';
export type { Priority } from './priority.js';
export { DEFAULT_PRIORITY, PRIORITY_LEVELS, toPriority } from './priority.js';
export { subscribeDecoded } from './subscribe-decoded.js';
export type { SubjectNames } from './subject-names.js';
export { createSubjectNames } from './subject-names.js';
export {
  MAX_SUBJECT_BYTES,
  UnsafeSubjectError,
  isSubjectToken,
  publishableSubject,
  subjectToken,
} from './subject-rules.js';
