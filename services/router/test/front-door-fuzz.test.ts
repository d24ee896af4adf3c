import type { ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec, syntheticTextSpec } from '@switchboard/models/testing';
import { hostileCalls, wellFormedCalls } from './support/hostile-requests.js';
import type { FuzzedCall } from './support/hostile-requests.js';
import { startProcessSystem } from './support/process-system.js';
import type { ProcessSystem } from './support/process-system.js';

// Seeded and bounded in time for the default suite; a longer hunt:
//   FUZZ_SECONDS=600 FUZZ_SEED=$RANDOM pnpm vitest run services/router/test/front-door-fuzz.test.ts
const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 15);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);

/** Statuses that say what is wrong. UNKNOWN, INTERNAL and UNAVAILABLE would mean a request broke something. */
const SPECIFIC_STATUSES = new Set([
  3, // INVALID_ARGUMENT
  4, // DEADLINE_EXCEEDED
  5, // NOT_FOUND
  8, // RESOURCE_EXHAUSTED
  9, // FAILED_PRECONDITION
]);
/** An answer may arrive this long after the call's own deadline (the client notices it then). */
const DEADLINE_SLACK_MS = 1_000;
/**
 * What one service's live memory (after a full collection) may grow by between the end of the
 * warm-up and the end of the run: bounded caches filling (learned service times, breakers, the
 * monitor's sub-windows) and allocator slack, not one more byte per request.
 */
const GROWTH_BOUND_BYTES = 16 * 1024 ** 2;

describe('the front door under fuzzed requests', () => {
  let system: ProcessSystem;

  beforeAll(async () => {
    system = await startProcessSystem('fuzz', {
      models: [
        syntheticSpec('echo', { base_latency_ms: '1' }),
        syntheticTextSpec('words', { base_latency_ms: '1' }, 8),
      ],
    });
    await system.registry.putRoute({
      route: { name: 'front', candidates: [{ model: 'echo' }, { model: 'words' }] },
    });
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  /** Sends one call; resolves with what the client saw and how long it took. */
  async function send(call: FuzzedCall): Promise<{ code: number; details: string; elapsedMs: number }> {
    const startedAt = Date.now();
    try {
      await system.oip.call('ModelInfer', call.request, {
        timeoutMs: call.timeoutMs,
        metadata: call.metadata,
      });
      return { code: 0, details: '', elapsedMs: Date.now() - startedAt };
    } catch (error) {
      const { code, details } = error as ServiceError;
      return { code, details, elapsedMs: Date.now() - startedAt };
    }
  }

  /** Fuzzes for `seconds` with `seed`, checking every call; counts the statuses seen into `seen`. */
  async function fuzz(seconds: number, seed: number, seen: Map<number, number>): Promise<void> {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileCalls(['echo', 'words', 'front'], ['features', 'text', 'probabilities', 'scores']),
          wellFormedCalls(),
        ),
        async (call) => {
          const { code, details, elapsedMs } = await send(call);
          seen.set(code, (seen.get(code) ?? 0) + 1);
          expect(code === 0 || SPECIFIC_STATUSES.has(code), `status ${code}: ${details}`).toBe(true);
          expect(elapsedMs).toBeLessThanOrEqual(call.timeoutMs + DEADLINE_SLACK_MS);
          for (const service of Object.values(system.services))
            expect(service.isAlive(), `${service.name} alive`).toBe(true);
        },
      ),
      {
        seed,
        numRuns: Number.MAX_SAFE_INTEGER,
        interruptAfterTimeLimit: seconds * 1_000,
        markInterruptAsFailure: false,
      },
    );
  }

  /** Each service's live memory, one at a time (a heap snapshot stops its process for a moment). */
  async function liveMemory(): Promise<Record<string, number>> {
    const live: Record<string, number> = {};
    for (const service of Object.values(system.services)) live[service.name] = await service.liveBytes();
    return live;
  }

  it(
    `answers every call with a specific status in time, for ${FUZZ_SECONDS} s, and no service dies, reconnects or grows`,
    async () => {
      const seen = new Map<number, number>();
      // A fresh process fills its caches and warms its code first; "flat" is measured after that.
      await fuzz(FUZZ_SECONDS / 3, FUZZ_SEED, seen);
      const settled = await liveMemory();
      await fuzz((FUZZ_SECONDS * 2) / 3, FUZZ_SEED + 1, seen);
      const after = await liveMemory();

      expect(system.incidents()).toEqual([]);
      const calls = [...seen.values()].reduce((sum, count) => sum + count, 0);
      // The run must have reached past validation: some calls answered, several kinds of refusal.
      expect(calls).toBeGreaterThan(200);
      expect(seen.get(0) ?? 0).toBeGreaterThan(0);
      expect(seen.size).toBeGreaterThanOrEqual(4);
      const growth = Object.fromEntries(
        Object.entries(after).map(([name, bytes]) => [name, bytes - (settled[name] ?? 0)]),
      );
      expect(
        Object.values(growth).every((bytes) => bytes < GROWTH_BOUND_BYTES),
        JSON.stringify(growth),
      ).toBe(true);
    },
    (FUZZ_SECONDS + 60) * 1_000,
  );
});
