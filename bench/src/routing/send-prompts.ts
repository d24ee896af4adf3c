import { performance } from 'node:perf_hooks';
import { status } from '@grpc/grpc-js';
import type { GrpcClient } from '@switchboard/grpc';
import type { GRPCInferenceService } from '@switchboard/protocol';
import { readLlmAnswer } from '../shared/llm-infer-request.js';
import { readSwitchboardFacts } from '../shared/read-switchboard-facts.js';
import { reportProgress } from '../shared/report-progress.js';
import { readRouteFacts, toRoutingInferRequest } from './routing-request.js';
import type { RoutingPrompt } from './routing-request.js';

/** How one prompt was answered. */
export interface RoutedAnswer {
  /** gRPC status code; 0 when answered. */
  readonly code: number;
  /** The recorded correctness of the serving model on the prompt; false when it failed. */
  readonly correct: boolean;
  /** The recorded cost of the serving model on the prompt, US dollars; 0 when it failed. */
  readonly costUsd: number;
  /** The registry name of the model that served; empty when it failed. */
  readonly model: string;
  /** `switchboard.reason`, e.g. `cheapest_feasible` or `learned_policy`. */
  readonly reason: string;
  /** The id Feedback quotes for this answer. */
  readonly requestId: string;
  /** The tenant the router served it for (`switchboard.tenant`). */
  readonly tenant: string;
}

/** What {@link sendPrompts} sends where, and how. */
export interface SendOptions {
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  /** A route or model name. */
  readonly target: string;
  readonly concurrency: number;
  /** Names the run in progress lines and prefixes request ids (unique per run). */
  readonly label: string;
  /** Called with each answer before the next prompt is sent on the same slot, e.g. to send Feedback. */
  readonly onAnswer?: (answer: RoutedAnswer) => Promise<void>;
}

/**
 * Time each request is given. Far beyond any simulated answer, so the router finds every model
 * feasible and latency never decides which model serves (the benchmark is about quality and cost).
 */
const REQUEST_TIMEOUT_MS = 600_000;
const PROGRESS_INTERVAL_MS = 5_000;

async function sendOne(options: SendOptions, prompt: RoutingPrompt, id: string): Promise<RoutedAnswer> {
  try {
    const response = await options.client.modelInfer(toRoutingInferRequest(prompt, options.target, id), {
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const { correct, costUsd } = readLlmAnswer(response);
    const { model } = readSwitchboardFacts(response);
    return { code: 0, correct, costUsd, model, ...readRouteFacts(response, id) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'number' && code !== 0 ? code : status.UNKNOWN,
      correct: false,
      costUsd: 0,
      model: '',
      reason: '',
      requestId: id,
      tenant: '',
    };
  }
}

/**
 * Sends every prompt to `target`, `concurrency` at a time (closed loop: a slot sends its next
 * prompt when its last one was answered), and returns the answers in prompt order. Failures are
 * answers too (code ≠ 0, incorrect, no cost). Reports progress every 5 s on stderr.
 */
export async function sendPrompts(
  prompts: readonly RoutingPrompt[],
  options: SendOptions,
): Promise<RoutedAnswer[]> {
  const answers: RoutedAnswer[] = new Array<RoutedAnswer>(prompts.length);
  const startedAt = performance.now();
  let next = 0;
  let answered = 0;
  let failed = 0;
  const progress = setInterval(() => {
    const elapsedS = ((performance.now() - startedAt) / 1_000).toFixed(0);
    reportProgress(
      `  ${options.label}: ${answered}/${prompts.length} answered, ${failed} failed, ${elapsedS} s`,
    );
  }, PROGRESS_INTERVAL_MS);
  const slot = async () => {
    while (next < prompts.length) {
      const index = next;
      next += 1;
      const answer = await sendOne(options, prompts[index]!, `${options.label}-${index}`);
      answers[index] = answer;
      answered += 1;
      if (answer.code !== 0) failed += 1;
      await options.onAnswer?.(answer);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, prompts.length) }, slot));
  } finally {
    clearInterval(progress);
  }
  return answers;
}
