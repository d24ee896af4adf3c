import { describe, expect, it } from 'vitest';
import { defaultOnnxSloMs } from './run-onnx-scenario.js';

describe('defaultOnnxSloMs', () => {
  it('is 50 ms on a quiet machine, where five lone requests take less', () => {
    expect(defaultOnnxSloMs(9.7)).toBe(50);
  });

  it('is five times a slow lone request, rounded up to 10 ms', () => {
    expect(defaultOnnxSloMs(23.1)).toBe(120);
    expect(defaultOnnxSloMs(30)).toBe(150);
  });
});
