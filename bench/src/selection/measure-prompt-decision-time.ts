import { create, toBinary } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames } from '@switchboard/nats';
import { readOutcomeFile, registryModelName } from '@switchboard/outcome-files';
import {
  Modality,
  ModelInferRequestSchema,
  ModelSpecSchema,
  RouteSpecSchema,
  WorkerHeartbeatSchema,
  WorkerState,
} from '@switchboard/protocol';
import type { ModelInferRequest } from '@switchboard/protocol';
import {
  modelKey,
  openRegistryBucket,
  routeKey,
  startRegistrySnapshot,
} from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import {
  LoadView,
  ModelCircuitBreakers,
  ModelSelector,
  PolicyWatcher,
  ServiceTimeEstimator,
} from '@switchboard/router/selection';
import type { SelectionConstraints, Target } from '@switchboard/router/selection';
import {
  DEFAULT_FEATURE_SETTINGS,
  createQualityPredictor,
  openPolicyStore,
  publishPolicy,
} from '@switchboard/routing-policy';
import type { RoutePolicy } from '@switchboard/routing-policy';
import { WorkerPresence } from '@switchboard/worker-presence';
import { build } from 'hdr-histogram-js';
import type { DecisionTiming } from './measure-decision-time.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import type { Random } from '../shared/seeded-random.js';

/** What the learned-policy decision timing runs on. */
export interface PromptDecisionTimingOptions {
  readonly connection: NatsConnection;
  /** A namespace of its own for the timing's registry and policy; the caller deletes its streams. */
  readonly namespace: string;
  /** Timed decisions of each kind, taken in turn (rules, learned, rules, …) so both see the same machine. */
  readonly calls: number;
  readonly warmupCalls: number;
  readonly seed: number;
}

/** Decision times on one route of 11 text models with 2 KB prompts, by the rules and by a learned policy. */
export interface PromptDecisionTimings {
  readonly rules: DecisionTiming;
  /** The learned decision as the request waits for it: the choice, without its propensity. */
  readonly learned: DecisionTiming;
  /** The learned decision's propensity estimate, which the router reads after answering. */
  readonly propensity: DecisionTiming;
  readonly models: number;
  /** Where the prompts came from, in a phrase. */
  readonly promptSource: string;
}

/** The RouterBench file whose prompts and 11 models the timing uses, read where the project keeps it. */
const ROUTERBENCH_FILE = '/work/shared/data/routing/routerbench0shot_arc_challenge_train.csv';
const PROMPT_BYTES = 2_048;
const PROMPTS = 200;
const MODELS = 11;
/** The optimizer's default exploration: the propensity estimate runs on every decision. */
const EXPLORATION = 0.1;
const RULES_ROUTE = 'timing-rules';
const LEARNED_ROUTE = 'timing-learned';
const CONSTRAINTS: SelectionConstraints = {
  budgetMs: 60_000,
  maxCostMicros: undefined,
  minQuality: 0,
  budgetOrigin: 'the sla_ms parameter',
};

/** 2 KB prompts (whole UTF-8 characters) cut from RouterBench's prompts, and its 11 models' names. */
async function readPromptsAndModels(random: Random) {
  try {
    const file = await readOutcomeFile(ROUTERBENCH_FILE);
    const text = file.records.map((record) => record.prompt).join('\n\n');
    const bytes = new TextEncoder().encode(text);
    const prompts = Array.from({ length: PROMPTS }, () => {
      const start = Math.floor(random() * Math.max(1, bytes.byteLength - PROMPT_BYTES));
      return new TextDecoder().decode(bytes.subarray(start, start + PROMPT_BYTES));
    });
    const source = `2 KB windows of RouterBench prompts (${ROUTERBENCH_FILE.split('/').at(-1)}), its ${file.models.length} models`;
    return { prompts, models: file.models.slice(0, MODELS).map(registryModelName), source };
  } catch {
    const words = ['the', 'model', 'answer', 'question', 'which', 'of', 'these', 'is', 'true', 'explain'];
    const prompt = () => {
      let text = '';
      while (text.length < PROMPT_BYTES) text += `${words[Math.floor(random() * words.length)]} `;
      return text.slice(0, PROMPT_BYTES);
    };
    const models = Array.from({ length: MODELS }, (_, index) => `llm-${index + 1}`);
    return {
      prompts: Array.from({ length: PROMPTS }, prompt),
      models,
      source: 'seeded word salad (RouterBench file not found)',
    };
  }
}

/** Writes the models and both routes into the namespace's registry bucket, as the registry would. */
async function registerTimingRoutes(
  connection: NatsConnection,
  namespace: string,
  models: readonly string[],
) {
  const bucket = await openRegistryBucket(connection, createSubjectNames(namespace));
  for (const [index, name] of models.entries()) {
    const spec = create(ModelSpecSchema, {
      name,
      version: '1',
      runtime: 'synthetic',
      modality: Modality.TEXT,
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1n] }],
      outputs: [{ name: 'text', datatype: 'BYTES', shape: [-1n] }],
      costPerCallMicros: BigInt(10 * (index + 1)),
      qualityScore: 0.5 + index / 30,
      latencyPriorMs: 200,
    });
    await bucket.put(modelKey(name), toBinary(ModelSpecSchema, spec));
  }
  for (const route of [RULES_ROUTE, LEARNED_ROUTE]) {
    const spec = create(RouteSpecSchema, { name: route, candidates: models.map((model) => ({ model })) });
    await bucket.put(routeKey(route), toBinary(RouteSpecSchema, spec));
  }
}

/** A policy of the default shape (2^16 buckets, 2,048 characters) with seeded weights; their values do not change the time. */
function seededPolicy(models: readonly string[], random: Random): RoutePolicy {
  const predictors = new Map(
    models.map((model) => {
      const predictor = createQualityPredictor(model, DEFAULT_FEATURE_SETTINGS.hashBits);
      for (let bucket = 0; bucket < predictor.means.length; bucket += 1) {
        predictor.means[bucket] = random() - 0.5;
        predictor.variances[bucket] = random();
      }
      return [model, predictor] as const;
    }),
  );
  return {
    route: LEARNED_ROUTE,
    version: 1n,
    createdUnixMs: Date.now(),
    features: DEFAULT_FEATURE_SETTINGS,
    predictors,
    sloMissRates: new Map(models.map((model) => [model, random() * 0.05])),
    meanQualities: new Map(),
    settings: {
      costWeightPerUsd: 10,
      sloMissWeight: 1,
      exploration: EXPLORATION,
      explorationByTier: new Map(),
    },
    estimate: undefined,
  };
}

/** Every model served by one live, ready worker, so no candidate is left out for want of one. */
function presenceOf(models: readonly string[]): WorkerPresence {
  const presence = new WorkerPresence();
  presence.record(
    create(WorkerHeartbeatSchema, {
      workerId: 'bench-timing',
      state: WorkerState.READY,
      models: models.map((name) => ({ name, version: '1', runtime: 'synthetic' })),
      atUnixMs: BigInt(Date.now()),
      intervalMs: 3_600_000n,
    }),
  );
  return presence;
}

function routeTarget(snapshot: RegistrySnapshot, name: string): Target {
  const route = snapshot.getRoute(name);
  if (route === undefined) throw new Error(`route ${name} is not in the snapshot`);
  return { kind: 'route', route };
}

function toRequest(prompt: string, index: number): ModelInferRequest {
  return create(ModelInferRequestSchema, {
    id: String(index),
    inputs: [
      {
        name: 'text',
        datatype: 'BYTES',
        shape: [1n],
        contents: { bytesContents: [new TextEncoder().encode(prompt)] },
      },
    ],
  });
}

const histogram = () =>
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1_000_000_000,
    numberOfSignificantValueDigits: 3,
  });

function toTiming(calls: number, recorded: ReturnType<typeof histogram>): DecisionTiming {
  return {
    calls,
    p50Us: recorded.getValueAtPercentile(50) / 1000,
    p99Us: recorded.getValueAtPercentile(99) / 1000,
    maxUs: recorded.maxValue / 1000,
  };
}

/**
 * Times the router's decision for a 2 KB prompt on a route of 11 text models, by the route's rules
 * and by a learned policy of the default shape (published to KV `policy` and applied by the router's
 * own PolicyWatcher), in this process on a ModelSelector built as the router builds it. A learned
 * decision includes reading the prompt from the request, featurising it, scoring every model and
 * the bandit's choice; its propensity estimate, which the router makes after answering, is timed
 * apart.
 * @throws Error when the policy is not applied or a decision is not the kind timed.
 */
export async function measurePromptDecisionTime(
  options: PromptDecisionTimingOptions,
): Promise<PromptDecisionTimings> {
  const random = createSeededRandom(options.seed, 4);
  const { prompts, models, source } = await readPromptsAndModels(random);
  const names = createSubjectNames(options.namespace);
  const logger = createLogger({ service: 'bench-selection', level: 'warn' });
  await registerTimingRoutes(options.connection, options.namespace, models);
  const store = await openPolicyStore(options.connection, names);
  await publishPolicy(store, seededPolicy(models, random));
  const snapshot = await startRegistrySnapshot(options.connection, names, logger);
  const policies = new PolicyWatcher({ store, snapshot, logger });
  try {
    await policies.start();
    const selector = new ModelSelector({
      snapshot,
      presence: presenceOf(models),
      load: new LoadView(),
      serviceTimes: new ServiceTimeEstimator(),
      breakers: new ModelCircuitBreakers({ failures: 5, halfOpenAfterMs: 5_000 }),
      policies,
      // The router draws with Math.random; a seeded generator would time the generator.
      random: Math.random,
    });
    const requests = prompts.map(toRequest);
    const targets = {
      rules: routeTarget(snapshot, RULES_ROUTE),
      learned: routeTarget(snapshot, LEARNED_ROUTE),
    };
    const requester = { tier: 'standard', rolloutKey: 'timing' };
    const check = selector.decide(requests[0] as ModelInferRequest, targets.learned, requester, CONSTRAINTS);
    if (check.reason !== 'learned_policy' || check.plan.length !== models.length) {
      throw new Error(`the learned decision was ${check.reason} over ${check.plan.length} models`);
    }
    const recorded = { rules: histogram(), learned: histogram(), propensity: histogram() };
    const total = options.warmupCalls + options.calls;
    for (let index = 0; index < total; index += 1) {
      const request = requests[index % requests.length] as ModelInferRequest;
      const timed = index >= options.warmupCalls;
      for (const kind of ['rules', 'learned'] as const) {
        const startedAt = process.hrtime.bigint();
        const decision = selector.decide(request, targets[kind], requester, CONSTRAINTS);
        const decidedAt = process.hrtime.bigint();
        if (timed) recorded[kind].recordValue(Number(decidedAt - startedAt));
        if (kind === 'learned') {
          // What the router does once the answer is on its way.
          const propensity = decision.propensity;
          if (timed) recorded.propensity.recordValue(Number(process.hrtime.bigint() - decidedAt));
          if (!(propensity > 0)) throw new Error(`a propensity of ${propensity}`);
        }
      }
    }
    return {
      rules: toTiming(options.calls, recorded.rules),
      learned: toTiming(options.calls, recorded.learned),
      propensity: toTiming(options.calls, recorded.propensity),
      models: models.length,
      promptSource: source,
    };
  } finally {
    await policies.stop();
    await snapshot.stop();
  }
}
