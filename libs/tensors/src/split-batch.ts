import { ExecutionError } from '@switchboard/errors';
import { elementCount, formatShape } from './shape.js';
import type { Tensor, TensorData } from './tensor.js';
import { findTensorProblem } from './tensor-data.js';

/**
 * Splits a batch's outputs back into one list per request: request `i` gets the next
 * `rowsPerRequest[i]` rows (dimension 0) of every output, in order. Numeric data are views into the
 * batch outputs, not copies. With a single request the outputs are returned as they are, unchecked.
 *
 * @param rowsPerRequest rows each request contributed, e.g. from `countBatchRows`.
 * @throws ExecutionError (not retryable) when an output is malformed or its dimension 0 differs from
 *   the batch's total rows, which means the runtime did not keep the batch dimension.
 */
export function splitBatch(outputs: readonly Tensor[], rowsPerRequest: readonly number[]): Tensor[][] {
  // One request owns the whole output, whatever its shape, so models that do not batch pass too.
  if (rowsPerRequest.length === 1) return [[...outputs]];
  const totalRows = rowsPerRequest.reduce((total, rows) => total + rows, 0);
  const perRequest = rowsPerRequest.map((): Tensor[] => []);
  for (const output of outputs) {
    checkBatchOutput(output, totalRows, rowsPerRequest);
    const rowShape = output.shape.slice(1);
    const rowElements = elementCount(rowShape);
    let start = 0;
    rowsPerRequest.forEach((rows, requestIndex) => {
      const end = start + rows * rowElements;
      perRequest[requestIndex]?.push({
        name: output.name,
        datatype: output.datatype,
        shape: [rows, ...rowShape],
        data: sliceData(output.data, start, end),
      });
      start = end;
    });
  }
  return perRequest;
}

function checkBatchOutput(output: Tensor, totalRows: number, rowsPerRequest: readonly number[]): void {
  const problem = findTensorProblem(output);
  if (problem !== undefined) {
    throw new ExecutionError(`the model produced a malformed output: ${problem}`, { retryable: false });
  }
  if (output.shape[0] !== totalRows) {
    throw new ExecutionError(
      `the model returned output "${output.name}" with shape ${formatShape(output.shape)} for a batch of ` +
        `${totalRows} rows (${rowsPerRequest.join(' + ')}); batched outputs must keep the batch in dimension 0`,
      { retryable: false },
    );
  }
}

function sliceData(data: TensorData, start: number, end: number): TensorData {
  return Array.isArray(data) ? data.slice(start, end) : data.subarray(start, end);
}
