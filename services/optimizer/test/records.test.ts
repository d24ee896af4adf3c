import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { DecisionRecordSchema } from '@switchboard/protocol';
import type { DecisionRecord } from '@switchboard/protocol';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOptimizerTestBed,
  startOptimizerInProcess,
  waitForVersionAbove,
} from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';

const ROUTE = 'records';

function decision(
  requestId: string,
  fields: Omit<MessageInitShape<typeof DecisionRecordSchema>, '$typeName'> = {},
): DecisionRecord {
  return create(DecisionRecordSchema, {
    requestId,
    route: ROUTE,
    model: 'first',
    tenant: 'acme',
    tier: 'standard',
    propensity: 1,
    featureIndices: [3, 17, 250],
    costMicros: 1_000,
    answeredUnixMs: BigInt(Date.now()),
    ...fields,
  });
}

describe('feedback and decision records', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;

  beforeAll(async () => {
    bed = await createOptimizerTestBed('records');
    await bed.registerRoute(ROUTE, [
      { name: 'first', quality: 0.6 },
      { name: 'second', quality: 0.6 },
    ]);
    running = await startOptimizerInProcess(bed);
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  /** Waits until the optimizer's durable consumer of `stream` has acked `count` messages. */
  async function acked(stream: string, count: number): Promise<void> {
    await waitFor(
      async () => (await bed.manager.consumers.info(stream, 'optimizer')).ack_floor.stream_seq >= count,
      {
        message: `${count} messages of ${stream} acked`,
      },
    );
  }

  async function recordsRead(stream: string, outcome: string): Promise<number> {
    const metrics = await scrapeMetrics(running.optimizer.metricsPort);
    return metrics.value('switchboard_optimizer_records_total', { stream, outcome });
  }

  it('counts feedback sent again after the duplicate window once', async () => {
    const served = decision('request-1');
    await bed.publishFeedback(served, 1);
    // Past JetStream's 2-minute window the same feedback gets a new message id and is stored again.
    await bed.publishFeedback(served, 1, 'feedback-sent-again-three-minutes-later');
    await acked(bed.names.feedbackStream, 2);
    await waitForVersionAbove(bed, ROUTE, 0n);

    const rows = await bed.sql`select model, quality from optimizer_observations where source = 'feedback'`;
    expect(rows).toEqual([{ model: 'first', quality: 1 }]);
    expect((await bed.readPolicy(ROUTE))?.predictors.get('first')?.observations).toBe(1);
    const evidence = await running.client.getPolicy({ route: ROUTE });
    expect(evidence.models.find((model) => model.model === 'first')?.feedback).toBe(1n);
    expect(await recordsRead('feedback', 'stored')).toBe(1);
    expect(await recordsRead('feedback', 'duplicate')).toBe(1);
  });

  it('drops feedback on routes or models the registry does not know, and records it cannot decode', async () => {
    await bed.publishFeedback(decision('request-2', { route: 'ghost' }), 1);
    await bed.publishFeedback(decision('request-3', { model: 'not-a-candidate' }), 1);
    await bed.jetstream.publish(bed.names.feedbackSubject(ROUTE), new Uint8Array([0xff, 0xff, 0xff]));
    await acked(bed.names.feedbackStream, 5);

    expect(await recordsRead('feedback', 'unknown_route')).toBe(1);
    expect(await recordsRead('feedback', 'unknown_model')).toBe(1);
    expect(await recordsRead('feedback', 'undecodable')).toBe(1);
    const [row] = await bed.sql<{ count: string }[]>`select count(*) from optimizer_observations`;
    expect(Number(row?.count)).toBe(1);
  });

  it('takes SLO misses, costs and decision shares from decisions, and confidence and cascade steps as signals', async () => {
    for (let index = 0; index < 4; index += 1) {
      await bed.putDecision(
        decision(`first-${index}`, { policyVersion: 1n, propensity: 0.9, sloMissed: index % 2 === 0 }),
      );
      await bed.putDecision(
        decision(`second-${index}`, {
          model: 'second',
          policyVersion: 1n,
          costMicros: 3_000,
          confidence: 0.8,
        }),
      );
    }
    // A cascade step passed over for low confidence: a signal about `first`, not a decision.
    await bed.putDecision(decision('first-escalated', { escalated: true, confidence: 0.3 }));
    await acked(`KV_${bed.names.decisionsBucket}`, 9);

    const evidence = await running.client.getPolicy({ route: ROUTE });
    const byModel = new Map(evidence.models.map((model) => [model.model, model]));
    expect(byModel.get('first')).toMatchObject({ sloMissRate: 0.5, decisionShare: 0.5 });
    expect(byModel.get('first')?.meanCostUsd).toBeCloseTo(0.001, 12);
    expect(byModel.get('second')).toMatchObject({ sloMissRate: 0, decisionShare: 0.5 });
    expect(byModel.get('second')?.meanCostUsd).toBeCloseTo(0.003, 12);
    const signals = await bed.sql`
      select source, model, quality, weight, count(*)::int as count from optimizer_observations
      where source <> 'feedback' group by source, model, quality, weight order by source`;
    expect(signals).toEqual([
      { source: 'confidence', model: 'second', quality: 0.8, weight: 0.25, count: 4 },
      { source: 'escalated', model: 'first', quality: 0, weight: 0.5, count: 1 },
    ]);
    expect(await recordsRead('decisions', 'stored')).toBe(8);
  });

  it('republishes the policy when a model starts missing its budgets, with no new feedback', async () => {
    const before = await bed.announcedVersion(ROUTE);
    expect(before).toBeGreaterThan(0n); // learned from the first test's feedback
    for (let index = 0; index < 12; index += 1) {
      await bed.putDecision(decision(`late-${index}`, { model: 'second', sloMissed: true }));
    }
    await acked(`KV_${bed.names.decisionsBucket}`, 21);

    // Republished with the new rate (possibly after a version for test 3's misses of `first`).
    await waitFor(async () => ((await bed.readPolicy(ROUTE))?.sloMissRates.get('second') ?? 0) > 0.5, {
      timeoutMs: 10_000,
      message: 'a policy carrying the SLO-miss rate of `second`',
    });
    expect(await bed.announcedVersion(ROUTE)).toBeGreaterThan(before);
  });
});
