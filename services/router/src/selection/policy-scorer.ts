import type { LogitBelief, QualityPredictor } from '@switchboard/routing-policy';
import { featureScale } from '@switchboard/routing-policy';

/**
 * Scores a prompt's features for every model of a learned policy in one pass: the beliefs
 * predictLogit gives, model by model, at a fraction of the cost.
 */
export interface PolicyScorer {
  /** The models scored, in the order of {@link score}'s beliefs. */
  readonly models: readonly string[];
  /** Each model's belief about the prompt whose features are `indices` (from featurisePrompt). */
  score(indices: Uint32Array): LogitBelief[];
}

/** The part of the WebAssembly JavaScript API used here; TypeScript declares it only for browsers. */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
};

/**
 * Tables above this are refused: 2^hashBits × models × 8 bytes, 6 MiB for 11 models and the default
 * 2^16 buckets. WebAssembly memory cannot exceed 4 GiB, and a router should not hold even that.
 */
const MAX_TABLE_BYTES = 1024 ** 3;
const PAGE_BYTES = 65_536;
const FLOATS_PER_VECTOR = 4;
const BYTES_PER_FLOAT = 4;
/** Feature indices copied into WebAssembly memory per kernel call. */
const INDICES_PER_CALL = 8_192;

/**
 * Builds the scorer of `predictors` (hashed into 2^hashBits buckets). predictLogit reads a model's
 * weight means and variances at every feature index: for 11 models and a 2 KB prompt that is 16,000
 * scattered reads from 22 arrays of 256 KiB, about 30 µs in JavaScript. Here the weights are laid
 * out bucket by bucket — every model's mean, then every model's variance, padded to whole 128-bit
 * vectors — so one feature is a few adjacent vector loads, summed with WebAssembly SIMD: about
 * 2 µs (bench/README.md, decision time). Sums are accumulated in 32 bits where predictLogit uses 64;
 * the beliefs agree to about 1e-6 of their size.
 * @throws RangeError when the table would exceed 1 GiB.
 */
export function createPolicyScorer(predictors: readonly QualityPredictor[], hashBits: number): PolicyScorer {
  const models = predictors.map((predictor) => predictor.model);
  const vectors = Math.max(1, Math.ceil((2 * models.length) / FLOATS_PER_VECTOR));
  const strideFloats = vectors * FLOATS_PER_VECTOR;
  const buckets = 2 ** hashBits;
  const tableBytes = buckets * strideFloats * BYTES_PER_FLOAT;
  if (tableBytes > MAX_TABLE_BYTES) {
    throw new RangeError(
      `a policy of ${models.length} models over 2^${hashBits} buckets needs ${tableBytes} bytes of weights; at most ${MAX_TABLE_BYTES} are applied`,
    );
  }
  const indicesOffset = tableBytes;
  const sumsOffset = indicesOffset + INDICES_PER_CALL * BYTES_PER_FLOAT;
  const pages = Math.ceil((sumsOffset + strideFloats * BYTES_PER_FLOAT) / PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const table = new Float32Array(memory.buffer, 0, buckets * strideFloats);
  predictors.forEach((predictor, position) => {
    for (let bucket = 0; bucket < buckets; bucket += 1) {
      table[bucket * strideFloats + position] = predictor.means[bucket]!;
      table[bucket * strideFloats + models.length + position] = predictor.variances[bucket]!;
    }
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assembleKernel(vectors, pages)), {
    env: { memory },
  });
  const sumFeatures = instance.exports['sumFeatures'] as (count: number, at: number, into: number) => void;
  const indexBuffer = new Uint32Array(memory.buffer, indicesOffset, INDICES_PER_CALL);
  const sums = new Float32Array(memory.buffer, sumsOffset, strideFloats);
  const totals = new Float64Array(strideFloats);
  const mask = buckets - 1;
  return {
    models,
    score(indices) {
      totals.fill(0);
      for (let start = 0; start < indices.length; start += INDICES_PER_CALL) {
        const count = Math.min(INDICES_PER_CALL, indices.length - start);
        // Masked: a bucket outside the table would read other memory. Policy and features agree
        // on hashBits, but the kernel must not depend on it.
        for (let at = 0; at < count; at += 1) indexBuffer[at] = indices[start + at]! & mask;
        sumFeatures(count, indicesOffset, sumsOffset);
        for (let at = 0; at < strideFloats; at += 1) totals[at] = totals[at]! + sums[at]!;
      }
      const scale = featureScale(indices.length);
      return predictors.map((predictor, position) => ({
        mean: predictor.biasMean + scale * totals[position]!,
        variance: predictor.biasVariance + scale * scale * totals[models.length + position]!,
      }));
    },
  };
}

/** The WebAssembly opcodes the kernel uses (core and SIMD, https://webassembly.github.io/spec/). */
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  simd: 0xfd,
} as const;
const SIMD = { v128Load: 0x00, v128Store: 0x0b, f32x4Add: 0xe4 } as const;
const TYPE = { i32: 0x7f, v128: 0x7b, function: 0x60, emptyBlock: 0x40 } as const;
/** log2 of the alignment of every load and store. */
const ALIGN_I32 = 2;
const ALIGN_V128 = 4;

/**
 * A module importing `env.memory` (`pages` pages) and exporting
 * `sumFeatures(count, at, into)`: for each of the `count` bucket numbers (u32) at byte `at`, adds the
 * bucket's `vectors` f32x4 vectors of the table at byte 0 to as many accumulators, then stores them
 * at byte `into`. In the text format:
 * ```wat
 * (func (param $count i32) (param $at i32) (param $into i32) (local $end i32) (local $row i32)
 *       (local $sum0 v128) … (local $sumN v128)
 *   (block
 *     (br_if 0 (i32.eqz (local.get $count)))
 *     (local.set $end (i32.add (local.get $at) (i32.mul (local.get $count) (i32.const 4))))
 *     (loop
 *       (local.set $row (i32.mul (i32.load (local.get $at)) (i32.const stride)))
 *       (local.set $sumK (f32x4.add (local.get $sumK) (v128.load offset=16K (local.get $row))))  ;; each K
 *       (br_if 0 (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 4))) (local.get $end)))))
 *   (v128.store offset=16K (local.get $into) (local.get $sumK)))  ;; each K
 * ```
 */
function assembleKernel(vectors: number, pages: number): Uint8Array {
  const [count, at, into, end, row, firstSum] = [0, 1, 2, 3, 4, 5];
  const strideBytes = vectors * FLOATS_PER_VECTOR * BYTES_PER_FLOAT;
  const code: number[] = [OP.block, TYPE.emptyBlock, OP.localGet, count, OP.i32Eqz, OP.brIf, 0];
  code.push(OP.localGet, at, OP.localGet, count, OP.i32Const, ...signed(4), OP.i32Mul, OP.i32Add);
  code.push(OP.localSet, end, OP.loop, TYPE.emptyBlock);
  code.push(OP.localGet, at, OP.i32Load, ALIGN_I32, 0, OP.i32Const, ...signed(strideBytes), OP.i32Mul);
  code.push(OP.localSet, row);
  for (let vector = 0; vector < vectors; vector += 1) {
    code.push(OP.localGet, firstSum + vector, OP.localGet, row);
    code.push(OP.simd, SIMD.v128Load, ALIGN_V128, ...unsigned(vector * 16));
    code.push(OP.simd, ...unsigned(SIMD.f32x4Add), OP.localSet, firstSum + vector);
  }
  code.push(OP.localGet, at, OP.i32Const, ...signed(4), OP.i32Add, OP.localTee, at);
  code.push(OP.localGet, end, OP.i32LtU, OP.brIf, 0, OP.end, OP.end);
  for (let vector = 0; vector < vectors; vector += 1) {
    code.push(OP.localGet, into, OP.localGet, firstSum + vector);
    code.push(OP.simd, SIMD.v128Store, ALIGN_V128, ...unsigned(vector * 16));
  }
  code.push(OP.end);
  const locals = [2, ...unsigned(2), TYPE.i32, ...unsigned(vectors), TYPE.v128];
  const body = [...locals, ...code];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, TYPE.function, 3, TYPE.i32, TYPE.i32, TYPE.i32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x01, ...unsigned(pages), ...unsigned(pages)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('sumFeatures'), 0x00, 0]),
    ...section(10, [1, ...unsigned(body.length), ...body]),
  ]);
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

/** Unsigned LEB128. */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest = Math.floor(rest / 128);
    bytes.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
function signed(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}
