import { create } from '@bufbuild/protobuf';
import { JobSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { describeJobProblem } from './describe-job-problem.js';

const job = (fields: { model?: string; requestId?: string; replyTo?: string }) =>
  create(JobSchema, {
    model: 'm',
    requestId: '5f1c2b1e-8c1d-4a53-9a63-0d2f1e0b7a11',
    replyTo: 'reply.router-a',
    ...fields,
  });

describe('describeJobProblem', () => {
  it('accepts a job as a router queues it, and one nobody waits for', () => {
    expect(describeJobProblem(job({}), 'm')).toBeUndefined();
    expect(describeJobProblem(job({ replyTo: '' }), 'm')).toBeUndefined();
  });

  it('refuses a reply subject that is no literal subject', () => {
    for (const replyTo of [
      'reply.router a',
      'reply.*',
      'reply.>',
      'reply..a',
      'reply.a\r\nPUB x 1',
      `reply.${'r'.repeat(300)}`,
    ])
      expect(describeJobProblem(job({ replyTo }), 'm'), replyTo).toMatch(/reply subject is unusable/);
  });

  it('refuses a job for another model and one without a printable request id', () => {
    expect(describeJobProblem(job({ model: 'other' }), 'm')).toMatch(/names model "other", not m/);
    for (const requestId of ['', 'has space', 'x'.repeat(129), 'line\nbreak'])
      expect(describeJobProblem(job({ requestId }), 'm')).toBe('the job has no well-formed request id');
  });
});
