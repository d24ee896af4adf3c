import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../shared/seeded-random.js';
import type { ReplayRequest } from './create-replay-workload.js';
import { simulatedLlmOf } from './llm-catalogue.js';
import { createPolicy, REPLAY_ROUTES, staticAccuracyOn } from './policies.js';
import { toReplayRoutes } from './provision-llms.js';
import type { PromptRecord } from './prompt-record.js';

const SMALL = simulatedLlmOf('mistralai/mistral-7b-chat');
const MIDDLE = simulatedLlmOf('mistralai/mixtral-8x7b-chat');
const LARGE = simulatedLlmOf('gpt-4-1106-preview');
const MODELS = [LARGE, SMALL, MIDDLE];

/** A made-up prompt: which models answered it correctly, each at a cost proportional to its price. */
function prompt(task: string, correct: readonly string[]): PromptRecord {
  const outcomes = new Map(
    MODELS.map((model) => [
      model.routerBenchName,
      { correct: correct.includes(model.name), costUsd: model.outputUsdPerMillion / 1e5 },
    ]),
  );
  return { sampleId: `${task}-${correct.join('-')}`, prompt: `a ${task} prompt`, task, outcomes };
}

const TRAIN = [
  prompt('code', [LARGE.name, MIDDLE.name]),
  prompt('code', [MIDDLE.name]),
  prompt('chat', [SMALL.name, LARGE.name]),
  prompt('chat', [SMALL.name]),
];

const request = (index: number, record: PromptRecord): ReplayRequest => ({
  index,
  offsetMs: index,
  prompt: record,
  promptTokens: 10,
  outputTokens: 10,
  tier: { name: 'standard', budgetMs: 30_000, share: 1 },
});

describe('createPolicy', () => {
  const inputs = {
    models: MODELS,
    train: TRAIN,
    random: createSeededRandom(1),
    inFlight: new Map<string, number>(),
  };

  it('sends each task under static to the model most accurate on its training rows', () => {
    const choose = createPolicy('static', inputs);
    expect(choose(request(0, prompt('code', [])))).toBe(MIDDLE.name);
    expect(choose(request(1, prompt('chat', [])))).toBe(SMALL.name);
    // A task never seen in training: the most accurate model overall (ties to the cheaper).
    expect(choose(request(2, prompt('maths', [])))).toBe(SMALL.name);
    expect(staticAccuracyOn(TRAIN, MODELS)).toBe(1);
  });

  it('sends the oracle to the cheapest model that answered correctly, or the cheapest when none did', () => {
    const choose = createPolicy('oracle', inputs);
    expect(choose(request(0, prompt('code', [LARGE.name, MIDDLE.name])))).toBe(MIDDLE.name);
    expect(choose(request(1, prompt('code', [])))).toBe(SMALL.name);
  });

  it('picks the model with the fewest requests in flight under least-loaded, ties to the cheaper', () => {
    const inFlight = new Map([
      [SMALL.name, 3],
      [MIDDLE.name, 1],
      [LARGE.name, 1],
    ]);
    const choose = createPolicy('least-loaded', { ...inputs, inFlight });
    expect(choose(request(0, prompt('code', [])))).toBe(MIDDLE.name);
    inFlight.set(MIDDLE.name, 5);
    expect(choose(request(1, prompt('code', [])))).toBe(LARGE.name);
  });

  it('sends everything to the dearest and the cheapest model under always-largest and cheapest', () => {
    expect(createPolicy('always-largest', inputs)(request(0, TRAIN[0] as PromptRecord))).toBe(LARGE.name);
    expect(createPolicy('cheapest', inputs)(request(0, TRAIN[0] as PromptRecord))).toBe(SMALL.name);
  });

  it('sends switchboard to the learned route and switchboard-rules to the rule-based one', () => {
    expect(createPolicy('switchboard', inputs)(request(0, TRAIN[0] as PromptRecord))).toBe(
      REPLAY_ROUTES.learned,
    );
    expect(createPolicy('switchboard-rules', inputs)(request(0, TRAIN[0] as PromptRecord))).toBe(
      REPLAY_ROUTES.rules,
    );
    expect(REPLAY_ROUTES.learned).not.toBe(REPLAY_ROUTES.rules);
  });
});

describe('toReplayRoutes', () => {
  it('gives the learned route no quality floor and the rules route static’s training accuracy', () => {
    const routes = toReplayRoutes(MODELS, staticAccuracyOn(TRAIN, MODELS));
    const floors = Object.fromEntries(routes.map((route) => [route.name, route.policy?.minQuality]));
    expect(floors).toEqual({ [REPLAY_ROUTES.learned]: 0, [REPLAY_ROUTES.rules]: 1 });
    for (const route of routes) {
      expect(route.candidates.map((candidate) => candidate.model)).toEqual(MODELS.map((model) => model.name));
    }
  });
});
