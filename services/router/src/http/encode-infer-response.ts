import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ModelInferResponseSchema } from '@switchboard/protocol';
import { decodeOutputs, encodeInputs } from '@switchboard/tensors';
import type { Tensor } from '@switchboard/tensors';
import type { BinaryOutputs } from './decode-infer-request.js';
import { parametersJson } from './json-parameters.js';

/** A body ready to send, with the headers that describe it. */
export interface EncodedBody {
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * A ModelInfer response as KServe v2 JSON: each output's elements in `data` (flat, row-major), or,
 * for the outputs `binaryOutputs` names, after the JSON as binary data (Triton's binary tensor
 * extension: `binary_data_size` on the output, `Inference-Header-Content-Length` giving the JSON's
 * length, `application/octet-stream`); FP16 and BF16 outputs always so. 64-bit integers keep every digit; NaN and ±∞, which JSON
 * cannot spell, become null (ask for binary data to get them).
 */
export function encodeInferResponse(
  init: MessageInitShape<typeof ModelInferResponseSchema>,
  binaryOutputs: BinaryOutputs,
): EncodedBody {
  const response = create(ModelInferResponseSchema, init);
  const tensors = decodeOutputs(response);
  const binaries: Uint8Array[] = [];
  const outputs = tensors.map((tensor, index) => {
    const head = `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(',')}]`;
    if (!wantsBinary(tensor, binaryOutputs)) {
      return `${head},"data":${dataJson(tensor)}}`;
    }
    const raw =
      response.rawOutputContents[index] ?? (encodeInputs([tensor], 'raw').rawInputContents[0] as Uint8Array);
    binaries.push(raw);
    return `${head},"parameters":{"binary_data_size":${raw.byteLength}}}`;
  });
  const id = response.id === '' ? '' : `,"id":${JSON.stringify(response.id)}`;
  const json =
    `{"model_name":${JSON.stringify(response.modelName)},"model_version":${JSON.stringify(response.modelVersion)}` +
    `${id},"parameters":${parametersJson(response.parameters)},"outputs":[${outputs.join(',')}]}`;
  if (binaries.length === 0) return { headers: { 'content-type': 'application/json' }, body: json };
  const header = Buffer.from(json, 'utf8');
  return {
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
    body: Buffer.concat([header, ...binaries]),
  };
}

/** FP16 and BF16 have no JSON form, so they always travel as binary data, as in Triton. */
function wantsBinary(tensor: Tensor, binaryOutputs: BinaryOutputs): boolean {
  return (
    binaryOutputs.all ||
    binaryOutputs.names.has(tensor.name) ||
    tensor.datatype === 'FP16' ||
    tensor.datatype === 'BF16'
  );
}

/** A tensor's elements as a flat JSON array's text. */
function dataJson(tensor: Tensor): string {
  const data = tensor.data;
  if (Array.isArray(data)) {
    return `[${data.map((item) => JSON.stringify(Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('utf8'))).join(',')}]`;
  }
  if (tensor.datatype === 'BOOL') {
    return `[${Array.from(data as Uint8Array, (value) => (value === 0 ? 'false' : 'true')).join(',')}]`;
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    let text = '';
    for (let index = 0; index < data.length; index += 1) {
      const value = data[index] as number;
      text += `${index === 0 ? '' : ','}${Number.isFinite(value) ? value : 'null'}`;
    }
    return `[${text}]`;
  }
  return `[${data.join(',')}]`;
}
