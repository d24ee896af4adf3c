import { create } from '@bufbuild/protobuf';
import { GetPolicyResponseSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { formatPolicy } from './policy-format.js';

const AT_UNIX_MS = BigInt(Date.UTC(2026, 11, 6, 17, 51, 27));
const settings = {
  costWeightPerUsd: 120,
  sloMissWeight: 1,
  exploration: 0.1,
  explorationByTier: { premium: 0 },
};

describe('formatPolicy', () => {
  it('shows the live version, the estimate with its interval, settings, the last refusal and the evidence', () => {
    const text = formatPolicy(
      create(GetPolicyResponseSchema, {
        route: 'llm',
        liveVersion: 3n,
        publishedUnixMs: AT_UNIX_MS,
        settings,
        estimate: { method: 'full_information', value: 0.7123, lower: 0.69, upper: 0.7346, samples: 222n },
        models: [
          {
            model: 'small',
            observations: 1780n,
            feedback: 12n,
            meanQuality: 0.58,
            qualityUncertainty: 0.041,
            meanCostUsd: 0.0000812,
            decisionShare: 0.3,
          },
          {
            model: 'large',
            observations: 1780n,
            feedback: 3n,
            meanQuality: 0.877,
            qualityUncertainty: 0.02,
            meanCostUsd: 0.00504,
            sloMissRate: 0.012,
            decisionShare: 0.7,
          },
        ],
        lastRefusal: {
          candidateVersion: 4n,
          reason: 'estimated worse than the live policy beyond its interval',
          candidate: { method: 'full_information', value: 0.6, lower: 0.58, upper: 0.62, samples: 222n },
          live: { method: 'full_information', value: 0.7123, lower: 0.69, upper: 0.7346, samples: 222n },
          atUnixMs: AT_UNIX_MS,
        },
      }),
    );

    expect(text).toBe(
      [
        'route llm: policy version 3, published 2026-12-06 17:51:27 UTC',
        'estimate: 0.712, interval [0.690, 0.735] per request (full_information, 222 samples)',
        'settings: cost weight 120 per US$, SLO-miss weight 1, exploration 0.1 (premium 0)',
        'last refusal: version 4 at 2026-12-06 17:51:27 UTC: estimated worse than the live policy beyond its interval',
        '  candidate 0.600, interval [0.580, 0.620] vs live 0.712, interval [0.690, 0.735]',
        'canary settings: none',
        'canaries: none (the route has no rollout arms)',
        '',
        'MODEL  OBSERVATIONS  FEEDBACK  QUALITY  ± SD   COST/REQ $  SLO MISS%  SHARE%',
        'large  1780          3         0.877    0.020  0.00504     1.2        70.0',
        'small  1780          12        0.580    0.041  0.0000812   0.0        30.0',
        '',
      ].join('\n'),
    );
  });

  it('says when the rules still decide, and that nothing was refused or estimated yet', () => {
    const text = formatPolicy(create(GetPolicyResponseSchema, { route: 'llm', settings }));
    expect(text.split('\n').slice(0, 4)).toEqual([
      "route llm: no learned policy yet (the route's rules decide)",
      'estimate: none yet',
      'settings: cost weight 120 per US$, SLO-miss weight 1, exploration 0.1 (premium 0)',
      'last refusal: none',
    ]);
    expect(text.endsWith('\n(none)\n')).toBe(true);
  });
});
