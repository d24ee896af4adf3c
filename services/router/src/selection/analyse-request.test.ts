import { create } from '@bufbuild/protobuf';
import { Modality, ModelInferRequestSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { analyseRequest } from './analyse-request.js';

type RequestInit = Parameters<typeof create<typeof ModelInferRequestSchema>>[1];
const request = (init: RequestInit) => create(ModelInferRequestSchema, init);
const text = new TextEncoder();

describe('analyseRequest', () => {
  it('estimates tokens of text sent as typed BYTES contents', () => {
    const analysis = analyseRequest(
      request({
        inputs: [
          {
            name: 'prompt',
            datatype: 'BYTES',
            shape: [2n],
            contents: { bytesContents: [text.encode('a'.repeat(40)), text.encode('b'.repeat(8))] },
          },
        ],
      }),
      [],
    );
    expect(analysis).toEqual({ modality: Modality.TEXT, complexity: 12 });
  });

  it('estimates tokens of raw BYTES contents without their length prefixes', () => {
    const raw = new Uint8Array(4 + 400);
    const analysis = analyseRequest(
      request({ inputs: [{ name: 'prompt', datatype: 'BYTES', shape: [1n] }], rawInputContents: [raw] }),
      [Modality.TEXT],
    );
    expect(analysis.complexity).toBe(100);
  });

  it('counts pixels of an image whatever its channel layout', () => {
    const nhwc = request({ inputs: [{ name: 'image', datatype: 'UINT8', shape: [1n, 224n, 224n, 3n] }] });
    const nchw = request({ inputs: [{ name: 'image', datatype: 'FP32', shape: [1n, 3n, 224n, 224n] }] });
    expect(analyseRequest(nhwc, [])).toEqual({ modality: Modality.IMAGE, complexity: 224 * 224 });
    expect(analyseRequest(nchw, [Modality.IMAGE]).complexity).toBe(224 * 224);
  });

  it('measures audio in seconds at the sample rate the request gives', () => {
    const audio = request({
      inputs: [{ name: 'waveform', datatype: 'FP32', shape: [1n, 48_000n] }],
      parameters: { sample_rate: { parameterChoice: { case: 'int64Param', value: 8_000n } } },
    });
    expect(analyseRequest(audio, [Modality.AUDIO])).toEqual({ modality: Modality.AUDIO, complexity: 6 });
  });

  it('counts elements of structured input, with the modality the models agree on', () => {
    const features = request({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2n, 4n] }] });
    expect(analyseRequest(features, [Modality.STRUCTURED])).toEqual({
      modality: Modality.STRUCTURED,
      complexity: 8,
    });
    // Models that disagree leave the decision to the inputs.
    expect(analyseRequest(features, [Modality.TEXT, Modality.IMAGE]).modality).toBe(Modality.STRUCTURED);
  });

  it('takes the modality parameter over the models and rejects an unknown one', () => {
    const modality = (value: string) => ({ parameterChoice: { case: 'stringParam' as const, value } });
    const audio = request({
      inputs: [{ name: 'samples', datatype: 'FP32', shape: [1n, 32_000n] }],
      parameters: { modality: modality('audio') },
    });
    expect(analyseRequest(audio, [Modality.STRUCTURED])).toEqual({ modality: Modality.AUDIO, complexity: 2 });
    const unknown = request({ inputs: [], parameters: { modality: modality('video') } });
    expect(() => analyseRequest(unknown, [])).toThrow(/parameter "modality" must be one of/);
  });
});
