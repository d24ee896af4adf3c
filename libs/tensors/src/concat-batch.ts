import { InvalidArgumentError } from '@switchboard/errors';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';
import { bytesOfTensorData, createTensorData } from './tensor-data.js';
import type { FixedSizeData } from './tensor-data.js';

/**
 * The number of rows (dimension 0) a request's inputs carry. Every input of a batchable model shares
 * the batch dimension, so they must agree.
 *
 * @throws InvalidArgumentError when an input has no dimensions or the inputs disagree on dimension 0.
 */
export function countBatchRows(inputs: readonly Tensor[]): number {
  let rows: number | undefined;
  for (const { name, shape } of inputs) {
    const dimension = shape[0];
    if (dimension === undefined) {
      throw new InvalidArgumentError(
        `input "${name}" has shape [] and so no batch dimension; batching joins inputs along dimension 0`,
      );
    }
    if (rows !== undefined && dimension !== rows) {
      throw new InvalidArgumentError(
        `input "${name}" has ${dimension} rows but the request's other inputs have ${rows}; ` +
          `every input must have the same size in dimension 0 (the batch dimension)`,
      );
    }
    rows = dimension;
  }
  return rows ?? 0;
}

/**
 * Joins the inputs of several requests into one batch: each input concatenated along dimension 0, in
 * request order. Inputs are matched by position, which `decodeInferInputs` fixes to the model's
 * declared order. A single request's inputs are returned as they are, unchecked and not copied.
 *
 * @throws InvalidArgumentError when the requests' inputs differ in names, datatypes or any dimension but
 *   the first (group requests by `batchSignature` first), or a request's inputs disagree on batch size.
 */
export function concatBatch(perRequestInputs: readonly (readonly Tensor[])[]): Tensor[] {
  const first = perRequestInputs[0];
  if (first === undefined) return [];
  // Nothing to join, so no batch dimension is needed: models that do not batch (scalar inputs) pass too.
  if (perRequestInputs.length === 1) return [...first];
  perRequestInputs.forEach((inputs, requestIndex) => {
    countBatchRows(inputs);
    checkCompatible(first, inputs, requestIndex);
  });
  return first.map((_, inputIndex) =>
    concatTensors(perRequestInputs.map((inputs) => inputs[inputIndex] as Tensor)),
  );
}

function checkCompatible(first: readonly Tensor[], inputs: readonly Tensor[], requestIndex: number): void {
  if (inputs.length !== first.length) {
    throw new InvalidArgumentError(
      `request ${requestIndex} has ${inputs.length} inputs but request 0 has ${first.length}; ` +
        `only requests with the same inputs can share a batch`,
    );
  }
  inputs.forEach((tensor, inputIndex) => {
    const reference = first[inputIndex] as Tensor;
    const sameRest =
      tensor.shape.length === reference.shape.length &&
      tensor.shape.every((dimension, index) => index === 0 || dimension === reference.shape[index]);
    if (tensor.name !== reference.name || tensor.datatype !== reference.datatype || !sameRest) {
      throw new InvalidArgumentError(
        `request ${requestIndex} has input "${tensor.name}" ${tensor.datatype} ${formatShape(tensor.shape)} ` +
          `where request 0 has "${reference.name}" ${reference.datatype} ${formatShape(reference.shape)}; ` +
          `requests in one batch must agree on every input except its size in dimension 0`,
      );
    }
  });
}

function concatTensors(parts: readonly Tensor[]): Tensor {
  const { name, datatype, shape } = parts[0] as Tensor;
  const rows = parts.reduce((total, part) => total + (part.shape[0] as number), 0);
  const batchShape = [rows, ...shape.slice(1)];
  if (datatype === 'BYTES') {
    return { name, datatype, shape: batchShape, data: parts.flatMap((part) => part.data as Uint8Array[]) };
  }
  const length = parts.reduce((total, part) => total + part.data.length, 0);
  const data = createTensorData(datatype, length);
  // Copying bytes lets one memcpy-backed set() serve every typed array kind.
  const target = bytesOfTensorData(data);
  let offset = 0;
  for (const part of parts) {
    const source = bytesOfTensorData(part.data as FixedSizeData);
    target.set(source, offset);
    offset += source.length;
  }
  return { name, datatype, shape: batchShape, data };
}
