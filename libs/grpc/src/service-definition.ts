import { fromBinary, toBinary } from '@bufbuild/protobuf';
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
 * Unary methods only: every Switchboard RPC is unary.
 */
export function toServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') {
      throw new Error(`${methodPath(method)} is ${method.methodKind}; only unary methods are supported`);
    }
    definition[method.localName] = {
      path: methodPath(method),
      requestStream: false,
      responseStream: false,
      requestSerialize: (message) => Buffer.from(toBinary(method.input, message as never)),
      requestDeserialize: (bytes: Buffer) => decodeRequest(method, bytes),
      responseSerialize: (message) => Buffer.from(toBinary(method.output, message as never)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      originalName: method.name,
    };
  }
  return definition;
}
