import { NAMESPACE_PATTERN } from '@switchboard/config';
import { subjectToken } from './subject-rules.js';

/**
 * Every NATS subject, stream and KV bucket name Switchboard uses, derived from one namespace so that
 * several deployments (or test runs) can share a NATS server. The empty namespace gives the plain
 * names of the design (`infer.<model>.<priority>`, stream `INFER`, bucket `registry`).
 */
export interface SubjectNames {
  readonly namespace: string;
  /** The work-queue stream holding every job. */
  readonly inferStream: string;
  /**
   * Subject of a model's jobs at one priority. Like every per-model subject here, it takes a name
   * the registry validated; a name that is no safe subject token throws UnsafeSubjectError.
   */
  inferSubject(model: string, priority: number): string;
  /** Matches every job subject; the INFER stream's filter. */
  readonly inferWildcard: string;
  /** The stream that keeps jobs which could not be served, for inspection. */
  readonly deadLetterStream: string;
  deadLetterSubject(model: string): string;
  readonly deadLetterWildcard: string;
  /** Per-batch telemetry of a model. */
  telemetryBatchSubject(model: string): string;
  /** Per-request telemetry of a model. */
  telemetryRequestSubject(model: string): string;
  /** What every per-request telemetry subject starts with (`telemetry.request.`). */
  readonly telemetryRequestPrefix: string;
  /** What every per-batch telemetry subject starts with (`telemetry.batch.`). */
  readonly telemetryBatchPrefix: string;
  /** The stream that keeps every telemetry record for the monitor to replay. */
  readonly telemetryStream: string;
  readonly telemetryWildcard: string;
  /** The monitor's load snapshot, about every 250 ms. */
  readonly monitorLoadSubject: string;
  readonly workerHeartbeatSubject: string;
  /**
   * Request-reply subject on which one worker takes its model assignment (`worker.<id>.assign`); the
   * id must be a safe subject token, or UnsafeSubjectError is thrown.
   */
  workerAssignSubject(workerId: string): string;
  /** KV bucket of leases that make one replica of a singleton service (the resource manager) active. */
  readonly leaseBucket: string;
  /** KV bucket of the models an operator pinned (RepositoryModelLoad): each keeps a replica placed. */
  readonly pinBucket: string;
  readonly registryChangedSubject: string;
  readonly registryBucket: string;
  /** KV bucket announcing each route's newest learned policy. */
  readonly policyBucket: string;
  /** Object store holding the learned policies' weights, announced in `policyBucket`. */
  readonly policyWeightsStore: string;
  /** KV bucket of per-tenant rate-limit counters, shared by every router replica. */
  readonly rateLimitBucket: string;
  /** KV bucket of recent job results by result key, which answers a retried request id. */
  readonly resultsBucket: string;
  /** KV bucket of the router's decisions, kept so late feedback can be joined to them. */
  readonly decisionsBucket: string;
  /** The stream of feedback joined to decisions, read by the optimizer. */
  readonly feedbackStream: string;
  /** Subject of a route's feedback records; takes a registry-validated route name. */
  feedbackSubject(route: string): string;
  readonly feedbackWildcard: string;
  /** Prefix of the subjects a router receives job results on; one token per router instance follows. */
  readonly replyPrefix: string;
}

/**
 * Builds the names for a namespace.
 * @throws Error when the namespace is not empty and not 1–32 lowercase letters/digits starting with a letter.
 */
export function createSubjectNames(namespace = ''): SubjectNames {
  if (namespace !== '' && !NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(
      `namespace "${namespace}" must be 1-32 lowercase letters or digits, starting with a letter`,
    );
  }
  const subject = (rest: string) => (namespace === '' ? rest : `${namespace}.${rest}`);
  const upper = (rest: string) => (namespace === '' ? rest : `${namespace.toUpperCase()}_${rest}`);
  const bucket = (rest: string) => (namespace === '' ? rest : `${namespace}_${rest}`);
  return Object.freeze({
    namespace,
    inferStream: upper('INFER'),
    inferSubject: (model: string, priority: number) => subject(`infer.${subjectToken(model)}.${priority}`),
    inferWildcard: subject('infer.>'),
    deadLetterStream: upper('DEADLETTER'),
    deadLetterSubject: (model: string) => subject(`deadletter.${subjectToken(model)}`),
    deadLetterWildcard: subject('deadletter.>'),
    telemetryBatchSubject: (model: string) => subject(`telemetry.batch.${subjectToken(model)}`),
    telemetryRequestSubject: (model: string) => subject(`telemetry.request.${subjectToken(model)}`),
    telemetryRequestPrefix: subject('telemetry.request.'),
    telemetryBatchPrefix: subject('telemetry.batch.'),
    telemetryStream: upper('TELEMETRY'),
    telemetryWildcard: subject('telemetry.>'),
    monitorLoadSubject: subject('monitor.load'),
    workerHeartbeatSubject: subject('worker.heartbeat'),
    workerAssignSubject: (workerId: string) => subject(`worker.${subjectToken(workerId)}.assign`),
    leaseBucket: bucket('leases'),
    pinBucket: bucket('pins'),
    registryChangedSubject: subject('registry.changed'),
    registryBucket: bucket('registry'),
    policyBucket: bucket('policy'),
    policyWeightsStore: bucket('policy-weights'),
    rateLimitBucket: bucket('ratelimits'),
    resultsBucket: bucket('results'),
    decisionsBucket: bucket('decisions'),
    feedbackStream: upper('FEEDBACK'),
    feedbackSubject: (route: string) => subject(`feedback.${subjectToken(route)}`),
    feedbackWildcard: subject('feedback.>'),
    replyPrefix: subject('reply'),
  });
}
