import { setTimeout as sleep } from 'node:timers/promises';
import { fromBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { GrpcClient } from '@switchboard/grpc';
import { DecisionRecordSchema } from '@switchboard/protocol';
import type { GRPCInferenceService, GetPolicyResponse, OptimizerService } from '@switchboard/protocol';
import { decisionKey } from '@switchboard/routing-policy';
import { reportProgress } from '../shared/report-progress.js';
import { sendPrompts } from './send-prompts.js';
import type { RoutedAnswer } from './send-prompts.js';
import type { RoutingPrompt } from './routing-request.js';

const POLL_INTERVAL_MS = 500;
/** The router writes a decision just after answering; it gets this long to appear. */
const DECISION_WAIT_MS = 3_000;

/**
 * Polls GetPolicy until `accept` holds or `timeoutMs` passes.
 * @returns the last answer, and whether `accept` held.
 */
export async function pollPolicy(
  optimizer: GrpcClient<typeof OptimizerService>,
  route: string,
  accept: (response: GetPolicyResponse) => boolean,
  timeoutMs: number,
): Promise<{ response: GetPolicyResponse; accepted: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await optimizer.getPolicy({ route });
    if (accept(response)) return { response, accepted: true };
    if (Date.now() >= deadline) return { response, accepted: false };
    await sleep(POLL_INTERVAL_MS);
  }
}

/** The policy version the router decided a request with, from its decision record; undefined until written. */
async function decidedVersion(decisions: KV, answer: RoutedAnswer): Promise<bigint | undefined> {
  const deadline = Date.now() + DECISION_WAIT_MS;
  for (;;) {
    const entry = await decisions.get(decisionKey(answer.tenant, answer.requestId));
    if (entry !== null && entry.value.length > 0) {
      return fromBinary(DecisionRecordSchema, entry.value).policyVersion;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(100);
  }
}

/** What {@link waitUntilRouterApplies} needs. */
export interface RouterApplyOptions {
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly decisions: KV;
  readonly route: string;
  readonly version: bigint;
  /** A prompt the simulated LLMs know (a training prompt), sent as the probe. */
  readonly probe: RoutingPrompt;
  readonly timeoutMs: number;
}

/**
 * Sends probe requests to the route until the router decides one with policy `version` or newer,
 * as its decision record in KV `decisions` says: then every later request is decided with it.
 * @throws Error when the router has not applied the version within `timeoutMs`.
 */
export async function waitUntilRouterApplies(options: RouterApplyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    const [answer] = await sendPrompts([options.probe], {
      client: options.client,
      target: options.route,
      concurrency: 1,
      label: `probe-${options.route}-${options.version}-${attempt}`,
    });
    const version = answer === undefined ? undefined : await decidedVersion(options.decisions, answer);
    if (version !== undefined && version >= options.version) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `the router did not apply policy version ${options.version} of route ${options.route} within ` +
          `${options.timeoutMs / 1_000} s (last decision: version ${version ?? 'unknown'})`,
      );
    }
    if (attempt === 0) reportProgress(`  waiting for the router to apply version ${options.version}`);
    await sleep(POLL_INTERVAL_MS);
  }
}
