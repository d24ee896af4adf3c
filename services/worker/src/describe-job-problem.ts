import { previewText } from '@switchboard/errors';
import { publishableSubject } from '@switchboard/nats';
import type { Job } from '@switchboard/protocol';

/** Router request ids are UUIDs: printable ASCII, far shorter than 128 characters. */
const REQUEST_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Says why a decoded job cannot be served as sent, or returns undefined when it can. Routers only
 * queue well-formed jobs, but any client with access to the INFER stream can publish one: a reply
 * subject that is no literal subject would make the answer's publish throw (or, too long, make NATS
 * drop this worker's connection), and a job for another model must not run on this one.
 */
export function describeJobProblem(job: Job, model: string): string | undefined {
  if (job.model !== model) return `the job names model ${previewText(job.model)}, not ${model}`;
  if (!REQUEST_ID_PATTERN.test(job.requestId)) return 'the job has no well-formed request id';
  if (job.replyTo !== '') {
    try {
      publishableSubject(job.replyTo);
    } catch (error) {
      return `the job's reply subject is unusable: ${(error as Error).message}`;
    }
  }
  return undefined;
}
