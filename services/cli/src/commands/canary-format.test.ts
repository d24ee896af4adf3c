import { create } from '@bufbuild/protobuf';
import { CanarySettingsSchema, CanaryStateSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { describeCanarySettings, formatCanaries } from './canary-format.js';

const STARTED_UNIX_MS = BigInt(Date.UTC(2026, 11, 6, 17, 51, 27));

describe('formatCanaries', () => {
  it('shows each arm against its stable arm, its status and its metrics with their intervals', () => {
    const text = formatCanaries([
      create(CanaryStateSchema, {
        candidate: 'chat',
        stableVersion: '3',
        armModel: 'chat',
        armVersion: '4',
        percent: 10,
        status: 'watching',
        reason: 'waiting for quality: 12 of 50 samples on each arm',
        startedUnixMs: STARTED_UNIX_MS,
        metrics: [
          {
            metric: 'latency',
            canarySamples: 240n,
            canaryMean: Math.log(20.4),
            stableSamples: 2160n,
            stableMean: Math.log(20),
            worseBy: Math.log(1.02),
            lower: Math.log(0.97),
            upper: Math.log(1.07),
            margin: Math.log(1.1),
            conclusion: 'not_worse',
          },
          {
            metric: 'quality',
            canarySamples: 12n,
            canaryMean: 0.75,
            stableSamples: 130n,
            stableMean: 0.8,
            worseBy: 0.05,
            lower: -Infinity,
            upper: Infinity,
            margin: 0.05,
            conclusion: 'too_few_samples',
          },
        ],
      }),
      create(CanaryStateSchema, {
        candidate: 'steady',
        stableVersion: '1',
        armModel: 'shaky',
        armVersion: '1',
        percent: 30,
        status: 'rolled_back',
        startedUnixMs: STARTED_UNIX_MS,
        decidedUnixMs: STARTED_UNIX_MS + 2_500n,
        appliedUnixMs: STARTED_UNIX_MS + 2_520n,
      }),
    ]);
    expect(text).toBe(
      [
        'canaries:',
        '  chat@4 (10% of chat@3): watching since 2026-12-06 17:51:27 UTC: waiting for quality: 12 of 50 samples on each arm',
        '    METRIC   CANARY N  STABLE N  CANARY    STABLE    WORSE BY  INTERVAL        MARGIN  CONCLUSION',
        '    latency  240       2160      20.40 ms  20.00 ms  +2.0%     [-3.0%, +7.0%]  10%     not_worse',
        '    quality  12        130       0.750     0.800     +0.050    -               0.050   too_few_samples',
        '  shaky@1 (30% of steady@1): rolled back at 2026-12-06 17:51:29 UTC after 2.5 s (applied)',
        '',
      ].join('\n'),
    );
  });

  it('says when the route has no rollout arms', () => {
    expect(formatCanaries([])).toBe('canaries: none (the route has no rollout arms)\n');
  });
});

describe('describeCanarySettings', () => {
  it('shows the thresholds in the units they are set in', () => {
    const settings = create(CanarySettingsSchema, {
      alpha: 0.05,
      latencyMargin: 0.1,
      errorMargin: 0.01,
      qualityMargin: 0.05,
      minRequests: 200,
      minFeedback: 50,
    });
    expect(describeCanarySettings(settings)).toBe(
      'alpha 0.05; margins: latency 10%, error rate 0.01, quality 0.05; at least 200 requests and 50 feedback per arm',
    );
    expect(describeCanarySettings({ ...settings, promoteWithoutFeedback: true })).toContain(
      'at least 200 requests per arm, promoted without waiting for feedback',
    );
  });
});
