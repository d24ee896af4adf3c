import fc from 'fast-check';

/** A ModelInfer call as a stock client makes it: the request, its metadata and its deadline. */
export interface FuzzedCall {
  readonly request: Record<string, unknown>;
  readonly metadata: Record<string, string>;
  readonly timeoutMs: number;
}

const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64'];
const MORE_DATATYPES = ['FP16', 'FP32', 'FP64', 'BF16', 'BYTES'];
/** Parameters Switchboard and Triton read, so their parsers get hostile values too. */
const KNOWN_PARAMETERS = [
  'priority',
  'timeout',
  'sla_ms',
  'max_cost',
  'min_quality',
  'modality',
  'sample_rate',
];

/** Text meant to break things: separators, wildcards, whitespace, control characters, unicode, length. */
function hostileText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '.',
      '*',
      '>',
      'a.b',
      'a b',
      'a\nb',
      'a\r\nPUB x 1',
      '\u0000',
      'ü',
      '(unknown)',
      '..',
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer({ min: 0, max: maxLength }).map((length) => 'x'.repeat(length)),
  );
}

/** A name: mostly the system's own (so requests get deep), else hostile text. */
function name(own: readonly string[], maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...own) },
    { weight: 2, arbitrary: hostileText(maxLength) },
  );
}

const anyNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
  fc.constantFrom(0, -1, 2 ** 53, Number.MAX_SAFE_INTEGER),
);

const parameter = fc.oneof(
  fc.record({ bool_param: fc.boolean() }),
  fc.record({ int64_param: anyNumber }),
  fc.record({ uint64_param: fc.nat() }),
  fc.record({ double_param: fc.double() }),
  fc.record({ string_param: hostileText(6_000) }),
);

function parameters(maxKeys: number): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_PARAMETERS), hostileText(300)), parameter, {
    maxKeys,
  });
}

const shape = fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom(2 ** 31, 2 ** 40)), {
  maxLength: 40,
});

const contents = fc.oneof(
  fc.constant(undefined),
  fc.record({ fp32_contents: fc.array(fc.float({ noNaN: false }), { maxLength: 64 }) }),
  fc.record({ int_contents: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 64 }) }),
  fc.record({ bool_contents: fc.array(fc.boolean(), { maxLength: 16 }) }),
  fc.record({
    bytes_contents: fc.array(fc.uint8Array({ maxLength: 64 }).map(Buffer.from), { maxLength: 8 }),
  }),
  fc.record({ fp64_contents: fc.array(fc.double(), { maxLength: 16 }) }),
);

function input(tensorNames: readonly string[]) {
  return fc.record(
    {
      name: name(tensorNames, 400),
      datatype: fc.oneof(fc.constantFrom(...DATATYPES, ...MORE_DATATYPES), hostileText(300)),
      shape,
      parameters: parameters(8),
      contents,
    },
    { requiredKeys: ['name', 'datatype', 'shape'] },
  );
}

/** gRPC metadata a client library lets through: lowercase keys, printable ASCII values, sometimes huge. */
const metadata = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,30}$/).filter((key) => !key.startsWith('grpc-')),
  fc.oneof(
    fc.stringMatching(/^[\x20-\x7e]{0,64}$/),
    fc.integer({ min: 0, max: 40_000 }).map((length) => 'v'.repeat(length)),
  ),
  { maxKeys: 6 },
);

/**
 * ModelInfer calls of every kind a client could send: names of the system's own models and routes
 * mixed with hostile ones, ids, parameters of every type (Triton's and Switchboard's own among
 * them), inputs with any datatype, shape and contents, raw buffers, outputs, metadata and deadlines.
 */
export function hostileCalls(
  models: readonly string[],
  tensorNames: readonly string[],
): fc.Arbitrary<FuzzedCall> {
  const request = fc.record(
    {
      model_name: name(models, 100_000),
      model_version: fc.oneof(fc.constant(''), fc.constant('1'), hostileText(200)),
      id: fc.oneof(fc.constant(''), fc.uuid(), hostileText(2_000)),
      parameters: parameters(80),
      inputs: fc.array(input(tensorNames), { maxLength: 6 }),
      outputs: fc.array(fc.record({ name: name(tensorNames, 400), parameters: parameters(4) }), {
        maxLength: 4,
      }),
      raw_input_contents: fc.array(fc.uint8Array({ maxLength: 256 }).map(Buffer.from), { maxLength: 5 }),
    },
    { requiredKeys: ['model_name'] },
  );
  return fc.record({ request, metadata, timeoutMs: fc.integer({ min: 1, max: 2_000 }) });
}

/** Plausible values of the parameters Switchboard and Triton read. */
const plausibleParameters = fc.record(
  {
    priority: fc.record({ int64_param: fc.integer({ min: 0, max: 5 }) }),
    timeout: fc.record({ int64_param: fc.integer({ min: 1_000, max: 2_000_000 }) }),
    sla_ms: fc.record({ double_param: fc.double({ min: 1, max: 5_000, noNaN: true }) }),
    max_cost: fc.record({ double_param: fc.double({ min: 0, max: 1, noNaN: true }) }),
    min_quality: fc.record({ double_param: fc.double({ min: 0, max: 1, noNaN: true }) }),
  },
  { requiredKeys: [] },
);

/**
 * Well-formed calls to the fuzzed system's `echo` (FP32 features [n, 4]) and `words` (BYTES text [n])
 * models and their route `front`, with plausible parameters and ids: the traffic the hostile calls
 * are mixed into, so the run also exercises queueing, batching and answers.
 */
export function wellFormedCalls(): fc.Arbitrary<FuzzedCall> {
  const features = fc.integer({ min: 1, max: 4 }).chain((rows) =>
    fc.record({
      model_name: fc.constantFrom('echo', 'front'),
      inputs: fc.constant([{ name: 'features', datatype: 'FP32', shape: [rows, 4] }]).chain((inputs) =>
        fc
          .array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
            minLength: rows * 4,
            maxLength: rows * 4,
          })
          .map((values) => inputs.map((tensor) => ({ ...tensor, contents: { fp32_contents: values } }))),
      ),
    }),
  );
  const words = fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 4 }).map((texts) => ({
    model_name: 'words',
    inputs: [
      {
        name: 'text',
        datatype: 'BYTES',
        shape: [texts.length],
        contents: { bytes_contents: texts.map((text) => Buffer.from(text)) },
      },
    ],
  }));
  const request = fc
    .tuple(fc.oneof(features, words), fc.oneof(fc.constant(''), fc.uuid()), plausibleParameters)
    .map(([body, id, parameters]) => ({ ...body, id, parameters }));
  return fc.record({ request, metadata: fc.constant({}), timeoutMs: fc.integer({ min: 200, max: 2_000 }) });
}
