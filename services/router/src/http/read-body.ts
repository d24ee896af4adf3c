import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/**
 * Reads a request body of at most `maxBytes`. A declared `content-length` above the limit is refused
 * before a byte is read; a body that grows past it (chunked) is refused as soon as it does.
 * @throws HttpError 413 naming the limit, 415 for a compressed body, 400 when the client aborts.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    throw new HttpError(
      415,
      `content-encoding ${JSON.stringify(encoding.slice(0, 32))} is not supported; send the body uncompressed`,
    );
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(declared, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(size, maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      'the request body ended before its content-length; send the whole body',
      {},
      {
        cause: error,
      },
    );
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function tooLarge(bytes: number, maxBytes: number): HttpError {
  return new HttpError(
    413,
    `the request body is ${bytes} bytes or more; the limit is ${maxBytes} (twice ROUTER_MAX_REQUEST_BYTES, at least 4 MiB): send large tensors as binary data (binary_data_size)`,
  );
}
