import type { KV } from '@nats-io/kv';
import type { GrpcClient } from '@switchboard/grpc';
import type {
  FeedbackService,
  GRPCInferenceService,
  OptimizerService,
  RouteSettings,
} from '@switchboard/protocol';
import { reportProgress } from '../shared/report-progress.js';
import { sendPrompts } from './send-prompts.js';
import type { RoutedAnswer } from './send-prompts.js';
import type { RoutingPrompt } from './routing-request.js';
import { pollPolicy, waitUntilRouterApplies } from './wait-for-policy.js';
import type { OnlineTraining } from './routing-results.js';

const FEEDBACK_TIMEOUT_MS = 10_000;
/** How long the optimizer gets to take in the last feedback, and to publish after a settings change. */
const SETTLE_TIMEOUT_MS = 120_000;
const APPLY_TIMEOUT_MS = 60_000;

/** What the online phase needs. */
export interface OnlineTrainingOptions {
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly feedback: GrpcClient<typeof FeedbackService>;
  readonly optimizer: GrpcClient<typeof OptimizerService>;
  readonly decisions: KV;
  readonly route: string;
  /** The training prompts, in the order they stream. */
  readonly prompts: readonly RoutingPrompt[];
  readonly concurrency: number;
  /** The route's settings while training, λ included; exploration is raised to `exploration`. */
  readonly settings: RouteSettings;
  readonly exploration: number;
}

interface FeedbackCounts {
  accepted: number;
  duplicates: number;
  failed: number;
  firstFailure: string;
}

/** Sends the served answer's correctness as the feedback score; counts what the router said. */
function createFeedbackSender(feedback: GrpcClient<typeof FeedbackService>, counts: FeedbackCounts) {
  return async (answer: RoutedAnswer): Promise<void> => {
    if (answer.code !== 0) return;
    try {
      const response = await feedback.feedback(
        { requestId: answer.requestId, score: answer.correct ? 1 : 0 },
        { timeoutMs: FEEDBACK_TIMEOUT_MS },
      );
      if (response.duplicate) counts.duplicates += 1;
      else counts.accepted += 1;
    } catch (error) {
      // Counted and reported with the results: one lost score must not stop the stream.
      counts.failed += 1;
      counts.firstFailure ||= error instanceof Error ? error.message : String(error);
    }
  };
}

/** Feedback the optimizer has taken in on the route, over every model. */
function feedbackTakenIn(models: readonly { feedback: bigint }[]): number {
  return models.reduce((sum, model) => sum + Number(model.feedback), 0);
}

/**
 * The online optimizer's training: no import; the training prompts stream to the route as traffic
 * with exploration raised, and each answer's recorded correctness goes back as Feedback. Then the
 * route's own exploration is restored, and the phase ends once the router decides with the policy
 * published after that (so the test sees what was learned and the normal exploration).
 * @param normalExploration the route's exploration outside training, restored at the end.
 */
export async function trainOnline(
  options: OnlineTrainingOptions,
  normalExploration: number,
): Promise<OnlineTraining> {
  const { optimizer, route, settings } = options;
  await optimizer.setRouteSettings({ route, settings: { ...settings, exploration: options.exploration } });
  const counts: FeedbackCounts = { accepted: 0, duplicates: 0, failed: 0, firstFailure: '' };
  const answers = await sendPrompts(options.prompts, {
    client: options.client,
    target: route,
    concurrency: options.concurrency,
    label: 'optimizer-online-train',
    onAnswer: createFeedbackSender(options.feedback, counts),
  });
  if (counts.failed > 0)
    reportProgress(`  ${counts.failed} feedback calls failed, first: ${counts.firstFailure}`);
  const taken = await pollPolicy(
    optimizer,
    route,
    (response) => feedbackTakenIn(response.models) >= counts.accepted,
    SETTLE_TIMEOUT_MS,
  );
  if (!taken.accepted) {
    reportProgress(
      `  the optimizer reports ${feedbackTakenIn(taken.response.models)} of ${counts.accepted} feedback taken in; going on`,
    );
  }
  const before = taken.response.liveVersion;
  await optimizer.setRouteSettings({ route, settings: { ...settings, exploration: normalExploration } });
  const published = await pollPolicy(
    optimizer,
    route,
    (response) => response.liveVersion > before,
    SETTLE_TIMEOUT_MS,
  );
  if (!published.accepted)
    throw new Error(`no policy of ${route} was published after its exploration was restored`);
  const version = published.response.liveVersion;
  await waitUntilRouterApplies({
    client: options.client,
    decisions: options.decisions,
    route,
    version,
    probe: options.prompts[0]!,
    timeoutMs: APPLY_TIMEOUT_MS,
  });
  const correct = answers.filter((answer) => answer.correct).length;
  return {
    prompts: answers.length,
    exploration: options.exploration,
    feedback_accepted: counts.accepted,
    feedback_duplicates: counts.duplicates,
    feedback_failed: counts.failed,
    accuracy: answers.length === 0 ? 0 : correct / answers.length,
    cost_usd: answers.reduce((sum, answer) => sum + answer.costUsd, 0),
    policy_version: Number(version),
  };
}
