import type { MessageInitShape } from '@bufbuild/protobuf';
import type { InferParameterSchema, JobResult, ModelSpec } from '@switchboard/protocol';

type Parameter = MessageInitShape<typeof InferParameterSchema>;

const text = (value: string): Parameter => ({ parameterChoice: { case: 'stringParam', value } });
const whole = (value: bigint | number): Parameter => ({
  parameterChoice: { case: 'int64Param', value: BigInt(value) },
});

/** Switchboard's own facts about an answer, returned as response parameters prefixed `switchboard.`. */
export function responseParameters(
  model: ModelSpec,
  result: JobResult,
  route: string,
): Record<string, Parameter> {
  const parameters: Record<string, Parameter> = {
    'switchboard.model': text(model.name),
    'switchboard.version': text(model.version),
    'switchboard.worker': text(result.workerId),
    'switchboard.batch_size': whole(result.batchSize),
    'switchboard.attempt': whole(result.attempt),
    'switchboard.queue_wait_us': whole(result.timings?.queueWaitUs ?? 0n),
    'switchboard.execute_us': whole(result.timings?.executeUs ?? 0n),
  };
  if (route !== '') parameters['switchboard.route'] = text(route);
  if (result.confidence !== undefined) {
    parameters['switchboard.confidence'] = {
      parameterChoice: { case: 'doubleParam', value: result.confidence },
    };
  }
  if (result.synthetic)
    parameters['switchboard.synthetic'] = { parameterChoice: { case: 'boolParam', value: true } };
  return parameters;
}
