import type { MessageInitShape } from '@bufbuild/protobuf';
import { createLogger } from '@switchboard/logging';
import type { OutcomeRowSchema } from '@switchboard/protocol';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/seeded-random.js';
import {
  createOptimizerTestBed,
  startOptimizerInProcess,
  waitForSettledVersion,
  waitForVersionAbove,
} from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';
import { serveBatch } from './simulated-router.js';
import type { SimulatedModel } from './simulated-router.js';
import { makePrompt } from './synthetic-prompts.js';

const ROUTE = 'qa';
/**
 * What clients say: alpha answers well, beta badly. Equal cost and registry quality; beta is listed
 * first, so the rules serve it until a policy exists (as a route's cheapest model would be).
 */
const ALPHA: SimulatedModel = { name: 'alpha', trueQuality: 0.9, costUsd: 0.001, priorQuality: 0.7 };
const BETA: SimulatedModel = { name: 'beta', trueQuality: 0.1, costUsd: 0.001, priorQuality: 0.7 };
const BATCH = 40;
const BATCHES = 5;
const WARN = 40;

interface LogLine {
  level: number;
  msg: string;
  route?: string;
  reason?: string;
}

/** An outcome file that says the opposite of the feedback: alpha wrong, beta right. */
function contradictingRows(count: number, random: () => number): MessageInitShape<typeof OutcomeRowSchema>[] {
  return Array.from({ length: count }, (_, index) => ({
    prompt: makePrompt(index % 2 === 0 ? 'code' : 'trivia', 50_000 + index, random),
    outcomes: [
      { model: ALPHA.name, quality: random() < 0.1 ? 1 : 0, costUsd: ALPHA.costUsd },
      { model: BETA.name, quality: random() < 0.9 ? 1 : 0, costUsd: BETA.costUsd },
    ],
  }));
}

describe('the off-policy check', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;
  const logLines: LogLine[] = [];

  beforeAll(async () => {
    bed = await createOptimizerTestBed('refusal');
    await bed.registerRoute(ROUTE, [
      { name: BETA.name, quality: BETA.priorQuality },
      { name: ALPHA.name, quality: ALPHA.priorQuality },
    ]);
    const logger = createLogger({
      service: 'optimizer',
      level: 'warn',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    running = await startOptimizerInProcess(bed, {}, logger);
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('refuses a policy the logged feedback estimates worse than the live one, and shows the refusal', async () => {
    // The logged feedback: the rules' first batch on beta (scored badly), then the learned policy,
    // which moves to alpha (scored well) and explores beta now and then. Prompts repeat, as real
    // traffic does, so no predictor can learn a logged prompt by its own words.
    const random = seededRandom('refusal');
    for (let batch = 0; batch < BATCHES; batch += 1) {
      await serveBatch(bed, {
        route: ROUTE,
        models: [BETA, ALPHA],
        promptOf: (position) => makePrompt(position % 2 === 0 ? 'code' : 'trivia', undefined, random),
        count: BATCH,
        firstRequest: batch * BATCH,
        tier: 'standard',
        random,
      });
      const before = await bed.announcedVersion(ROUTE);
      await waitFor(async () => (await storedFeedback()) === (batch + 1) * BATCH, {
        message: 'feedback stored',
      });
      await waitForVersionAbove(bed, ROUTE, before);
    }
    const live = await waitForSettledVersion(bed, ROUTE);
    expect(live).toBeGreaterThan(1n);
    expect((await running.client.getPolicy({ route: ROUTE })).liveVersion).toBe(live);

    const response = await running.client.importOutcomes({
      route: ROUTE,
      rows: contradictingRows(800, random),
      train: true,
    });
    expect(response.policyVersion).toBe(0n);
    expect(response.refusal).toMatch(new RegExp(`^estimated worse than live version ${live}: `));

    const policy = await running.client.getPolicy({ route: ROUTE });
    expect(policy.liveVersion).toBe(live);
    const refusal = policy.lastRefusal!;
    expect(refusal.candidateVersion).toBe(live + 1n);
    expect(refusal.reason).toBe(response.refusal);
    expect(refusal.candidate?.method).toBe('doubly_robust');
    expect(refusal.live?.method).toBe('doubly_robust');
    expect(Number(refusal.candidate?.samples)).toBe(BATCH * BATCHES);
    expect(refusal.candidate!.upper).toBeLessThan(refusal.live!.lower);

    const metrics = await scrapeMetrics(running.optimizer.metricsPort);
    expect(metrics.value('switchboard_optimizer_policy_refusals_total', { route: ROUTE })).toBe(1);
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: WARN, route: ROUTE, reason: response.refusal }),
    );
    // The refused candidate is dropped: routers keep the live version.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await bed.announcedVersion(ROUTE)).toBe(live);
  });

  async function storedFeedback(): Promise<number> {
    const [row] = await bed.sql<{ count: string }[]>`
      select count(*) from optimizer_observations where source = 'feedback'`;
    return Number(row?.count ?? 0);
  }
});
