import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ModelInferRequest, ModelInferResponseSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import {
  batchSignature,
  concatBatch,
  countBatchRows,
  decodeInferInputs,
  splitBatch,
} from '@switchboard/tensors';
import type { HeldJob } from './held-job.js';
import { toJobResponse } from './job-response.js';
import type { LoadedModel } from './runtimes/runtime.js';

/** What happened to one job of a batch. */
export type JobOutcome =
  | {
      held: HeldJob;
      response: MessageInitShape<typeof ModelInferResponseSchema>;
      confidence: number | undefined;
      executeUs: number;
      batchSize: number;
    }
  | { held: HeldJob; error: unknown; executeUs: number; batchSize: number };

interface Decoded {
  held: HeldJob;
  request: ModelInferRequest;
  inputs: Tensor[];
  rows: number;
}

/** The lowest confidence among a request's rows: the answer is only as sure as its least sure row. */
function requestConfidence(
  confidences: Float64Array | undefined,
  start: number,
  rows: number,
): number | undefined {
  if (confidences === undefined || rows === 0) return undefined;
  return Math.min(...confidences.subarray(start, start + rows));
}

async function runGroup(model: LoadedModel, spec: ModelSpec, group: Decoded[]): Promise<JobOutcome[]> {
  const startedAt = performance.now();
  const batchSize = group.length;
  try {
    const output = await model.infer(concatBatch(group.map((decoded) => decoded.inputs)));
    const executeUs = Math.round((performance.now() - startedAt) * 1000);
    const perJob = splitBatch(
      output.outputs,
      group.map((decoded) => decoded.rows),
    );
    let row = 0;
    return group.map((decoded, index) => {
      const response = toJobResponse(spec, decoded.request, perJob[index] ?? []);
      const confidence = requestConfidence(output.confidences, row, decoded.rows);
      row += decoded.rows;
      return { held: decoded.held, response, confidence, executeUs, batchSize };
    });
  } catch (error) {
    const executeUs = Math.round((performance.now() - startedAt) * 1000);
    return group.map((decoded) => ({ held: decoded.held, error, executeUs, batchSize }));
  }
}

/**
 * Runs a batch of jobs on a loaded model: decodes and re-validates each job against the model's
 * current inputs, groups jobs whose non-batch dimensions agree, concatenates each group along the
 * batch dimension for one runtime call, and splits the outputs back per job.
 */
export async function executeBatch(
  model: LoadedModel,
  spec: ModelSpec,
  jobs: HeldJob[],
  maxRequestBytes: number,
): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  const groups = new Map<string, Decoded[]>();
  for (const held of jobs) {
    try {
      const { request } = held;
      const inputs = decodeInferInputs(request, spec.inputs, { maxRequestBytes });
      const signature = batchSignature(inputs);
      const group = groups.get(signature) ?? [];
      group.push({ held, request, inputs, rows: countBatchRows(inputs) });
      groups.set(signature, group);
    } catch (error) {
      outcomes.push({ held, error, executeUs: 0, batchSize: 1 });
    }
  }
  for (const group of groups.values()) outcomes.push(...(await runGroup(model, spec, group)));
  return outcomes;
}
