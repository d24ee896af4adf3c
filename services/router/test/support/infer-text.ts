import type { OipClient } from './oip-client.js';
import type { ClientParameter } from './infer-features.js';

interface ResponseParameter {
  string_param?: string;
  int64_param?: number;
  double_param?: number;
}

/** What Switchboard said about the answer to a text prompt, from its `switchboard.*` parameters. */
export interface TextAnswer {
  model: string;
  reason: string;
  /** The id Feedback quotes: the request's own id, else the router's. */
  requestId: string;
  tried: string[];
}

export interface InferTextOptions {
  id?: string;
  parameters?: Record<string, ClientParameter>;
  timeoutMs?: number;
}

/** Sends one prompt (BYTES `text` [1]) to `name`, a text model or route, and reads the selection facts. */
export async function inferText(
  oip: OipClient,
  name: string,
  prompt: string,
  options: InferTextOptions = {},
): Promise<TextAnswer> {
  const response = await oip.call<{ parameters: Record<string, ResponseParameter> }>(
    'ModelInfer',
    {
      model_name: name,
      id: options.id ?? '',
      parameters: options.parameters ?? {},
      inputs: [
        { name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from(prompt)] } },
      ],
    },
    { timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const text = (key: string) => response.parameters[`switchboard.${key}`]?.string_param ?? '';
  return {
    model: text('model'),
    reason: text('reason'),
    requestId: text('request_id'),
    tried: text('models_tried').split(','),
  };
}
