/**
 * Attribute names on Switchboard spans. OpenTelemetry semantic-convention names where one exists
 * (rpc.*, messaging.*); the rest are `switchboard.*`, matching the `switchboard.*` response
 * parameters. The rpc and messaging names are still "incubating" in
 * @opentelemetry/semantic-conventions, whose docs ask users to copy them rather than import them,
 * so they live here. Never put payloads or secrets in attributes.
 */
export const SPAN_ATTRIBUTES = Object.freeze({
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  rpcGrpcStatusCode: 'rpc.grpc.status_code',
  messagingSystem: 'messaging.system',
  messagingDestinationName: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroupName: 'messaging.consumer.group.name',
  model: 'switchboard.model',
  version: 'switchboard.version',
  route: 'switchboard.route',
  requestId: 'switchboard.request_id',
  attempt: 'switchboard.attempt',
  workerId: 'switchboard.worker',
  batchSize: 'switchboard.batch_size',
  failedJobs: 'switchboard.failed_jobs',
});

/** `messaging.system` of Switchboard's queues; NATS has no well-known value in the conventions yet. */
export const MESSAGING_SYSTEM_NATS = 'nats';
