import type { InferTensorContents } from '@switchboard/protocol';
import type { Datatype } from './tensor.js';

/** A repeated field of InferTensorContents. */
export type TypedContentsField = Exclude<keyof InferTensorContents, '$typeName' | '$unknown'>;

/**
 * The contents field each datatype travels in. The protocol packs INT8/INT16 into `int_contents` and
 * UINT8/UINT16 into `uint_contents`; FP16 and BF16 have no typed field and travel raw only.
 */
const FIELD_BY_DATATYPE: Readonly<Record<Datatype, TypedContentsField | undefined>> = {
  BOOL: 'boolContents',
  UINT8: 'uintContents',
  UINT16: 'uintContents',
  UINT32: 'uintContents',
  UINT64: 'uint64Contents',
  INT8: 'intContents',
  INT16: 'intContents',
  INT32: 'intContents',
  INT64: 'int64Contents',
  FP16: undefined,
  FP32: 'fp32Contents',
  FP64: 'fp64Contents',
  BF16: undefined,
  BYTES: 'bytesContents',
};

/**
 * Each typed contents field with its name as the .proto spells it (`int_contents`), which is the name
 * clients in every language see, so messages use it.
 */
const PROTO_NAMES: Readonly<Record<TypedContentsField, string>> = {
  boolContents: 'bool_contents',
  intContents: 'int_contents',
  int64Contents: 'int64_contents',
  uintContents: 'uint_contents',
  uint64Contents: 'uint64_contents',
  fp32Contents: 'fp32_contents',
  fp64Contents: 'fp64_contents',
  bytesContents: 'bytes_contents',
};

/** Every typed contents field, so callers can check that only the expected one is filled. */
export const TYPED_CONTENTS_FIELDS = Object.freeze(Object.keys(PROTO_NAMES) as TypedContentsField[]);

/** The contents field `datatype` travels in; `undefined` for FP16 and BF16. */
export function typedContentsField(datatype: Datatype): TypedContentsField | undefined {
  return FIELD_BY_DATATYPE[datatype];
}

/** The field's name as the .proto spells it, e.g. `int64_contents`. */
export function protoFieldName(field: TypedContentsField): string {
  return PROTO_NAMES[field];
}
