import { StatusCode } from '@switchboard/errors';

/**
 * Awaits a call to one of the system's services. When the service cannot be reached (UNAVAILABLE,
 * or DEADLINE_EXCEEDED because nothing answered), rejects with an Error naming the service, the
 * address tried and `hint` (what to check or set), with the gRPC error as its cause.
 * @example await explainUnreachable(client.getStats(request), 'monitor', address, 'set --monitor or SWITCHBOARD_MONITOR')
 */
export async function explainUnreachable<T>(
  call: Promise<T>,
  service: string,
  address: string,
  hint: string,
): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== StatusCode.UNAVAILABLE && code !== StatusCode.DEADLINE_EXCEEDED) throw error;
    throw new Error(`cannot reach the ${service} at ${address}; is it running? (${hint})`, { cause: error });
  }
}
