import { previewText } from '@switchboard/errors';

/**
 * The longest subject Switchboard publishes on, in bytes. nats-server closes the connection of a
 * client whose protocol line exceeds its `max_control_line` (4096 bytes by default), taking every
 * request in flight on that connection with it; our own subjects are far shorter than this.
 */
export const MAX_SUBJECT_BYTES = 256;

/** The longest token a per-model subject takes; registry names are at most 63 characters. */
export const MAX_TOKEN_BYTES = 128;

/**
 * One subject token: no separator ('.'), no wildcard ('*', '>'), no whitespace and no control
 * characters — nats.js throws on a space, and a CR or LF would end the protocol line.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const TOKEN_PATTERN = /^[^\s.*>\u0000-\u001f\u007f]+$/;

/**
 * Thrown when code is about to publish on, or build, a subject that is not a safe literal subject.
 * It means a name reached subject-building without being validated first: a bug, never a client's fault.
 */
export class UnsafeSubjectError extends Error {
  override readonly name = 'UnsafeSubjectError';
}

/** Whether `token` can be one token of a literal subject (any length; see {@link subjectToken}). */
export function isSubjectToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Returns `token` when it is a safe subject token of at most {@link MAX_TOKEN_BYTES} bytes.
 * @throws UnsafeSubjectError otherwise.
 */
export function subjectToken(token: string): string {
  if (!isSubjectToken(token) || Buffer.byteLength(token) > MAX_TOKEN_BYTES)
    throw new UnsafeSubjectError(`${previewText(token)} cannot be a NATS subject token`);
  return token;
}

/**
 * Returns `subject` when it is a literal subject Switchboard may publish on: tokens by
 * {@link isSubjectToken}, at most {@link MAX_SUBJECT_BYTES} bytes.
 * @throws UnsafeSubjectError otherwise.
 */
export function publishableSubject(subject: string): string {
  if (Buffer.byteLength(subject) > MAX_SUBJECT_BYTES)
    throw new UnsafeSubjectError(`subject ${previewText(subject)} is longer than ${MAX_SUBJECT_BYTES} bytes`);
  if (!subject.split('.').every(isSubjectToken))
    throw new UnsafeSubjectError(`${previewText(subject)} is not a literal NATS subject`);
  return subject;
}
