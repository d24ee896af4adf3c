import { InvalidArgumentError } from '@switchboard/errors';
import { Modality } from '@switchboard/protocol';
import type { ModelInferRequest, ModelInferRequest_InferInputTensor } from '@switchboard/protocol';
import { readNumberParameter } from '../request-parameters.js';

/** What the router learns about a request before choosing a model for it. */
export interface RequestAnalysis {
  modality: Modality;
  /**
   * How much work the request is, in its modality's unit: estimated tokens (text), pixels (image),
   * seconds (audio), input elements (structured or unknown). Latency priors, per-unit costs and
   * route conditions all use this unit.
   */
  complexity: number;
}

/** BPE tokenizers average about four bytes of English text per token. */
const BYTES_PER_TOKEN = 4;
/** Audio without a `sample_rate` parameter is taken to be 16 kHz, the rate speech models expect. */
const DEFAULT_SAMPLE_RATE_HZ = 16_000;
/** Channel counts that mark a dimension of an image tensor as its channels. */
const IMAGE_CHANNELS = new Set([1, 3, 4]);
/** Every BYTES element is preceded by a 4-byte length in raw contents. */
const LENGTH_PREFIX_BYTES = 4;

const MODALITY_BY_NAME: Record<string, Modality> = {
  text: Modality.TEXT,
  image: Modality.IMAGE,
  audio: Modality.AUDIO,
  structured: Modality.STRUCTURED,
};

/** A modality's lowercase name, e.g. "structured": request classes and messages use it. */
export function modalityName(modality: Modality): string {
  return (Modality[modality] ?? 'UNSPECIFIED').toLowerCase();
}

function elementsOf(input: ModelInferRequest_InferInputTensor): number {
  return input.shape.reduce((product, dimension) => product * Number(dimension), 1);
}

function readModalityParameter(request: ModelInferRequest): Modality | undefined {
  const choice = request.parameters['modality']?.parameterChoice;
  if (choice === undefined || choice.case === undefined) return undefined;
  const modality = choice.case === 'stringParam' ? MODALITY_BY_NAME[choice.value] : undefined;
  if (modality === undefined) {
    throw new InvalidArgumentError(
      `parameter "modality" must be one of the strings ${Object.keys(MODALITY_BY_NAME).join(', ')}`,
    );
  }
  return modality;
}

/** The modality the inputs look like: text strings, 8-bit images of rank 3 or more, else structured. */
function modalityFromInputs(request: ModelInferRequest): Modality {
  if (request.inputs.some((input) => input.datatype === 'BYTES')) return Modality.TEXT;
  const looksLikeImage = (input: ModelInferRequest_InferInputTensor) =>
    (input.datatype === 'UINT8' || input.datatype === 'INT8') && input.shape.length >= 3;
  if (request.inputs.some(looksLikeImage)) return Modality.IMAGE;
  return Modality.STRUCTURED;
}

/** Bytes of text in a BYTES input, from typed or raw contents. */
function textBytesOf(request: ModelInferRequest, index: number): number {
  const input = request.inputs[index] as ModelInferRequest_InferInputTensor;
  const raw = request.rawInputContents[index];
  if (raw !== undefined) return Math.max(0, raw.byteLength - LENGTH_PREFIX_BYTES * elementsOf(input));
  return (input.contents?.bytesContents ?? []).reduce((sum, value) => sum + value.byteLength, 0);
}

function estimatedTokens(request: ModelInferRequest): number {
  let tokens = 0;
  request.inputs.forEach((input, index) => {
    tokens +=
      input.datatype === 'BYTES'
        ? Math.ceil(textBytesOf(request, index) / BYTES_PER_TOKEN)
        : // Token ids or embeddings: one element per token.
          elementsOf(input);
  });
  return tokens;
}

/** Pixels of the largest image input: elements divided by its channel dimension (NHWC or NCHW). */
function pixelsOf(request: ModelInferRequest): number {
  let pixels = 0;
  for (const input of request.inputs) {
    const dimensions = input.shape.map(Number);
    const last = dimensions.at(-1) ?? 1;
    const thirdLast = dimensions.at(-3) ?? 1;
    const channels = IMAGE_CHANNELS.has(last) ? last : IMAGE_CHANNELS.has(thirdLast) ? thirdLast : 1;
    pixels = Math.max(pixels, elementsOf(input) / channels);
  }
  return pixels;
}

function audioSecondsOf(request: ModelInferRequest): number {
  const rate = readNumberParameter(request.parameters, 'sample_rate') ?? DEFAULT_SAMPLE_RATE_HZ;
  if (rate === 0) throw new InvalidArgumentError('parameter "sample_rate" must be a positive number of Hz');
  const samples = Math.max(0, ...request.inputs.map(elementsOf));
  return samples / rate;
}

function complexityOf(request: ModelInferRequest, modality: Modality): number {
  switch (modality) {
    case Modality.TEXT:
      return estimatedTokens(request);
    case Modality.IMAGE:
      return pixelsOf(request);
    case Modality.AUDIO:
      return audioSecondsOf(request);
    default:
      return request.inputs.reduce((sum, input) => sum + elementsOf(input), 0);
  }
}

/**
 * Derives a request's modality and complexity. The modality is the `modality` request parameter when
 * sent, else the one modality every candidate model declares, else what the inputs look like.
 * @param declared modalities of the models the request may go to.
 * @throws InvalidArgumentError when `modality` or `sample_rate` is malformed.
 */
export function analyseRequest(request: ModelInferRequest, declared: readonly Modality[]): RequestAnalysis {
  const known = declared.filter((modality) => modality !== Modality.UNSPECIFIED);
  const agreed = known.length > 0 && known.every((modality) => modality === known[0]) ? known[0] : undefined;
  const modality = readModalityParameter(request) ?? agreed ?? modalityFromInputs(request);
  return { modality, complexity: complexityOf(request, modality) };
}
