import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  TensorProto_DataType,
} from '../gen/onnx-subset_pb.js';
import type {
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  ValueInfoProtoSchema,
} from '../gen/onnx-subset_pb.js';
import type { Mlp } from './create-mlp.js';

/** Names and metadata written into the ONNX model. */
export interface OnnxModelOptions {
  graphName: string;
  docString: string;
  inputName: string;
  outputName: string;
}

type AttributeInit = MessageInitShape<typeof AttributeProtoSchema>;
type NodeInit = MessageInitShape<typeof NodeProtoSchema>;
type TensorInit = MessageInitShape<typeof TensorProtoSchema>;
type ValueInfoInit = MessageInitShape<typeof ValueInfoProtoSchema>;

/** ONNX IR version 7 is the one that introduced opset 13; onnxruntime reads both. */
const IR_VERSION = 7n;
/** Opset 13 is the first where Softmax normalises along one axis only, which -1 selects. */
const OPSET_VERSION = 13n;
/** The symbolic name of the first (batch) dimension of input and output. */
const BATCH_DIMENSION = 'batch';

/**
 * Encodes the MLP as an ONNX model: per layer MatMul then Add, Relu between layers, and
 * Softmax(axis=-1) at the end. Weights are stored as float32 little-endian raw_data. The input is
 * FP32 [batch, inputs] and the output FP32 [batch, classes].
 */
export function toOnnxModel(mlp: Mlp, options: OnnxModelOptions): Uint8Array {
  const nodes: NodeInit[] = [];
  const initializers: TensorInit[] = [];
  let current = options.inputName;
  mlp.layers.forEach((layer, index) => {
    const prefix = `layer${index}`;
    initializers.push(toFloatTensor(`${prefix}.weight`, [layer.inputSize, layer.outputSize], layer.weights));
    initializers.push(toFloatTensor(`${prefix}.bias`, [layer.outputSize], layer.biases));
    nodes.push(toNode('MatMul', [current, `${prefix}.weight`], `${prefix}.matmul`));
    nodes.push(toNode('Add', [`${prefix}.matmul`, `${prefix}.bias`], `${prefix}.logits`));
    current = `${prefix}.logits`;
    if (index + 1 < mlp.layers.length) {
      nodes.push(toNode('Relu', [current], `${prefix}.relu`));
      current = `${prefix}.relu`;
    }
  });
  const axis = { name: 'axis', type: AttributeProto_AttributeType.INT, i: -1n };
  nodes.push(toNode('Softmax', [current], options.outputName, [axis]));
  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: '@switchboard/models',
    docString: options.docString,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    graph: {
      name: options.graphName,
      node: nodes,
      initializer: initializers,
      input: [toBatchedValueInfo(options.inputName, mlp.layers[0]?.inputSize ?? 0)],
      output: [toBatchedValueInfo(options.outputName, mlp.layers.at(-1)?.outputSize ?? 0)],
    },
  });
  return toBinary(ModelProtoSchema, model);
}

/** A node named after its single output, which keeps names unique and readable in tools like Netron. */
function toNode(opType: string, inputs: string[], output: string, attribute: AttributeInit[] = []): NodeInit {
  return { name: output, opType, input: inputs, output: [output], attribute };
}

function toFloatTensor(name: string, dims: number[], values: Float64Array): TensorInit {
  const floats = new Float32Array(values);
  const rawData = new Uint8Array(floats.byteLength);
  const view = new DataView(rawData.buffer);
  // ONNX raw_data is little-endian whatever the host's byte order.
  floats.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData };
}

function toBatchedValueInfo(name: string, width: number): ValueInfoInit {
  return {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: TensorProto_DataType.FLOAT,
          shape: {
            dim: [
              { value: { case: 'dimParam', value: BATCH_DIMENSION } },
              { value: { case: 'dimValue', value: BigInt(width) } },
            ],
          },
        },
      },
    },
  };
}
