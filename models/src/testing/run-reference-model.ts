import { readOnnxGraph } from '../read-onnx-graph.js';
import type { OnnxNode } from '../read-onnx-graph.js';
import { readOnnxInitializers } from '../read-onnx-initializers.js';

/** A tensor during reference evaluation: row-major float64 elements and their shape. */
interface Value {
  dims: number[];
  data: Float64Array;
}

/**
 * Computes an ONNX model's first output in plain JavaScript (float64), from the graph and weights
 * decoded from the file itself, so a test can check a runtime's answer without trusting the runtime
 * or the code that trained the model. Supports the operators the generated models use: MatMul of a
 * 2-D input by a 2-D weight, Add of a 1-D bias, Relu, and Softmax over the last axis.
 * @param input the single input, row-major [rows, width].
 * @throws Error for any other operator or shape.
 */
export function runReferenceModel(path: string, input: Float32Array, rows: number): Float64Array {
  const graph = readOnnxGraph(path);
  const values = new Map<string, Value>();
  for (const [name, initializer] of readOnnxInitializers(path)) {
    values.set(name, { dims: initializer.dims, data: Float64Array.from(initializer.data) });
  }
  const inputName = graph.inputs[0]?.name ?? '';
  values.set(inputName, { dims: [rows, input.length / rows], data: Float64Array.from(input) });
  for (const node of graph.nodes) {
    const operands = node.inputs.map((name) => requireValue(values, name));
    values.set(node.outputs[0] ?? '', evaluate(node, operands));
  }
  return requireValue(values, graph.outputs[0]?.name ?? '').data;
}

function evaluate(node: OnnxNode, operands: Value[]): Value {
  const [left, right] = operands as [Value, Value];
  switch (node.opType) {
    case 'MatMul':
      return multiply(left, right);
    case 'Add':
      return addRowVector(left, right);
    case 'Relu':
      return { dims: left.dims, data: left.data.map((value) => Math.max(0, value)) };
    case 'Softmax':
      if (node.attributes['axis'] !== -1 && node.attributes['axis'] !== left.dims.length - 1) {
        throw new Error(`Softmax over axis ${String(node.attributes['axis'])} is not supported`);
      }
      return softmaxRows(left);
    default:
      throw new Error(`operator ${node.opType} is not supported by the reference`);
  }
}

function multiply(left: Value, right: Value): Value {
  const [rows = 0, inner = 0] = left.dims;
  const [rightInner, columns = 0] = right.dims;
  if (left.dims.length !== 2 || right.dims.length !== 2 || inner !== rightInner) {
    throw new Error(`cannot multiply [${left.dims.join(',')}] by [${right.dims.join(',')}]`);
  }
  const data = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      let sum = 0;
      for (let k = 0; k < inner; k++)
        sum += (left.data[row * inner + k] ?? 0) * (right.data[k * columns + column] ?? 0);
      data[row * columns + column] = sum;
    }
  }
  return { dims: [rows, columns], data };
}

function addRowVector(matrix: Value, vector: Value): Value {
  const columns = matrix.dims.at(-1) ?? 0;
  if (vector.dims.length !== 1 || vector.dims[0] !== columns) {
    throw new Error(`cannot broadcast [${vector.dims.join(',')}] over [${matrix.dims.join(',')}]`);
  }
  return {
    dims: matrix.dims,
    data: matrix.data.map((value, index) => value + (vector.data[index % columns] ?? 0)),
  };
}

function softmaxRows(value: Value): Value {
  const columns = value.dims.at(-1) ?? 0;
  const data = new Float64Array(value.data.length);
  for (let start = 0; start < data.length; start += columns) {
    const row = value.data.subarray(start, start + columns);
    const maximum = Math.max(...row);
    const exponentials = row.map((item) => Math.exp(item - maximum));
    const sum = exponentials.reduce((total, item) => total + item, 0);
    data.set(
      exponentials.map((item) => item / sum),
      start,
    );
  }
  return { dims: value.dims, data };
}

function requireValue(values: Map<string, Value>, name: string): Value {
  const value = values.get(name);
  if (value === undefined) throw new Error(`graph value ${name} is used before it is computed`);
  return value;
}
