import type { ModelInferRequest } from '@switchboard/protocol';

/** The part of a request's prompt the learned policy reads, and the whole prompt's length. */
export interface PromptText {
  /** The prompt, or for a long one its head and tail joined by a space (see featurisePrompt). */
  readonly text: string;
  /** The whole prompt's length in UTF-16 code units, as `prompt.length` would say. */
  readonly length: number;
}

/** Every BYTES element is preceded by a 4-byte little-endian length in raw contents. */
const LENGTH_PREFIX_BYTES = 4;
/** A UTF-16 code unit takes at most 3 bytes of UTF-8 (a 4-byte sequence is two units). */
const MAX_BYTES_PER_UNIT = 3;
/** Slack for a character cut at the edge of a slice. */
const MAX_SEQUENCE_BYTES = 4;

const NO_PROMPT: PromptText = Object.freeze({ text: '', length: 0 });
const decoder = new TextDecoder();

/**
 * The prompt of a request: the first element of its first BYTES input, read as UTF-8, from typed or
 * raw contents. Only what `maxChars` needs is decoded: a prompt too long for it yields its first and
 * last `maxChars / 2` characters joined by a space — exactly the text featurisePrompt would clip the
 * whole prompt to — and the whole prompt's length, counted from its bytes without decoding them.
 * A request without a BYTES input, or with a malformed raw element, has the empty prompt.
 */
export function readPrompt(request: ModelInferRequest, maxChars: number): PromptText {
  const bytes = firstBytesElement(request);
  if (bytes === undefined) return NO_PROMPT;
  const half = Math.floor(maxChars / 2);
  const sliceBytes = half * MAX_BYTES_PER_UNIT + MAX_SEQUENCE_BYTES;
  if (bytes.byteLength <= 2 * sliceBytes) {
    const text = decoder.decode(bytes);
    return { text, length: text.length };
  }
  const headEnd = characterStartAtOrBefore(bytes, sliceBytes);
  const tailStart = characterStartAtOrAfter(bytes, bytes.byteLength - sliceBytes);
  const head = decoder.decode(bytes.subarray(0, headEnd));
  const tail = decoder.decode(bytes.subarray(tailStart));
  const length = head.length + countUtf16Units(bytes, headEnd, tailStart) + tail.length;
  if (length <= maxChars) {
    // Only malformed UTF-8 gets here (stray continuation bytes count for nothing above).
    const text = decoder.decode(bytes);
    return { text, length: text.length };
  }
  return { text: `${head.slice(0, half)} ${tail.slice(tail.length - half)}`, length };
}

function firstBytesElement(request: ModelInferRequest): Uint8Array | undefined {
  const index = request.inputs.findIndex((input) => input.datatype === 'BYTES');
  if (index < 0) return undefined;
  const raw = request.rawInputContents[index];
  if (raw === undefined) return request.inputs[index]?.contents?.bytesContents[0];
  if (raw.byteLength < LENGTH_PREFIX_BYTES) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = view.getUint32(0, true);
  if (length > raw.byteLength - LENGTH_PREFIX_BYTES) return undefined;
  return raw.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + length);
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** The start of the character at or before `position`: [0, result) holds whole characters. */
function characterStartAtOrBefore(bytes: Uint8Array, position: number): number {
  let at = position;
  while (at > 0 && isContinuation(bytes[at]!)) at -= 1;
  return at;
}

/** The start of the first character at or after `position`. */
function characterStartAtOrAfter(bytes: Uint8Array, position: number): number {
  let at = position;
  while (at < bytes.byteLength && isContinuation(bytes[at]!)) at += 1;
  return at;
}

/** UTF-16 code units of the UTF-8 text in bytes [start, end): one per character, two from U+10000. */
function countUtf16Units(bytes: Uint8Array, start: number, end: number): number {
  let units = 0;
  for (let at = start; at < end; at += 1) {
    const byte = bytes[at]!;
    if (!isContinuation(byte)) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}
