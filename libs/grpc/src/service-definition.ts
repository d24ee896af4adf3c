import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * The grpc-js path of a method, e.g. `/inference.GRPCInferenceService/ModelInfer`.
 */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** Each decoded request's wire bytes, for handlers that forward a request as it came. */
const wireBytes = new WeakMap<object, Uint8Array>();

/**
 * The bytes a request message was decoded from, when it came in through a server built by
 * {@link toServiceDefinition}; undefined for messages built in-process.
 */
export function wireBytesOf(message: object): Uint8Array | undefined {
  return wireBytes.get(message);
}

function decodeRequest(method: DescMethod, bytes: Buffer) {
  const message = fromBinary(method.input, bytes);
  wireBytes.set(message, bytes);
  return message;
}

/**
 * Builds a grpc-js service definition from a protobuf-es service descriptor, (de)serialising with
 * protobuf-es. protoc-gen-es v2 emits descriptors only, so this is the one bridge between the two.
 * Messages written to a stream may be init shapes: they are completed with `create` first.
 */
export function toServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: methodPath(method),
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: (message) =>
        Buffer.from(toBinary(method.input, create(method.input, message as never))),
      requestDeserialize: (bytes: Buffer) => decodeRequest(method, bytes),
      responseSerialize: (message) =>
        Buffer.from(toBinary(method.output, create(method.output, message as never))),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      originalName: method.name,
    };
  }
  return definition;
}
