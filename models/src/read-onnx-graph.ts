import type { AttributeProto, ValueInfoProto } from './gen/onnx-subset_pb.js';
import { AttributeProto_AttributeType } from './gen/onnx-subset_pb.js';
import { decodeOnnxModel } from './decode-onnx-model.js';

/** The value of a node attribute; tensor and graph attributes are not decoded. */
export type OnnxAttributeValue = number | string | number[] | string[] | undefined;

/** One operator of an ONNX graph. */
export interface OnnxNode {
  name: string;
  /** e.g. `MatMul`, `Add`, `Relu`, `Softmax`. */
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
}

/** A graph input or output; a string dimension is symbolic (e.g. `batch`). */
export interface OnnxValueInfo {
  name: string;
  shape: (number | string)[];
}

/** The structure of an ONNX model's main graph. */
export interface OnnxGraph {
  /** Nodes in file order, which ONNX requires to be a topological order. */
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Version of the default (`ai.onnx`) operator set the model imports. */
  opsetVersion: number;
}

/**
 * Reads the nodes, inputs and outputs of an .onnx file.
 * @throws Error when the file cannot be read or decoded.
 */
export function readOnnxGraph(path: string): OnnxGraph {
  const model = decodeOnnxModel(path);
  const opset = model.opsetImport.find((entry) => entry.domain === '' || entry.domain === 'ai.onnx');
  return {
    nodes: (model.graph?.node ?? []).map((node) => ({
      name: node.name,
      opType: node.opType,
      inputs: [...node.input],
      outputs: [...node.output],
      attributes: Object.fromEntries(node.attribute.map((attribute) => [attribute.name, toValue(attribute)])),
    })),
    inputs: (model.graph?.input ?? []).map(toValueInfo),
    outputs: (model.graph?.output ?? []).map(toValueInfo),
    opsetVersion: Number(opset?.version ?? 0),
  };
}

function toValue(attribute: AttributeProto): OnnxAttributeValue {
  const decoder = new TextDecoder();
  switch (attribute.type) {
    case AttributeProto_AttributeType.FLOAT:
      return attribute.f;
    case AttributeProto_AttributeType.INT:
      return Number(attribute.i);
    case AttributeProto_AttributeType.STRING:
      return decoder.decode(attribute.s);
    case AttributeProto_AttributeType.FLOATS:
      return [...attribute.floats];
    case AttributeProto_AttributeType.INTS:
      return attribute.ints.map(Number);
    case AttributeProto_AttributeType.STRINGS:
      return attribute.strings.map((value) => decoder.decode(value));
    default:
      return undefined;
  }
}

function toValueInfo(info: ValueInfoProto): OnnxValueInfo {
  const type = info.type?.value;
  const dims = type?.case === 'tensorType' ? (type.value.shape?.dim ?? []) : [];
  return {
    name: info.name,
    shape: dims.map((dim) =>
      dim.value.case === 'dimParam' ? dim.value.value : Number(dim.value.value ?? 0),
    ),
  };
}
