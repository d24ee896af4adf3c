import { toBinary } from '@bufbuild/protobuf';
import type { DescFile, DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';

function collectFiles(file: DescFile, into: Map<string, DescFile>): void {
  if (into.has(file.name)) return;
  into.set(file.name, file);
  for (const dependency of file.dependencies) collectFiles(dependency, into);
}

/**
 * Adds gRPC server reflection (so grpcurl and friends work without .proto files) for the given
 * services. @grpc/reflection reads serialized FileDescriptorProtos from a proto-loader style package
 * definition; protobuf-es descriptors carry the same FileDescriptorProtos, so we hand those over.
 */
export function addReflection(server: Server, services: DescService[]): void {
  const files = new Map<string, DescFile>();
  for (const service of services) collectFiles(service.file, files);
  const fileDescriptorProtos = [...files.values()].map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)),
  );
  const packageDefinition = Object.fromEntries(
    services.map((service) => [service.typeName, { fileDescriptorProtos }]),
  );
  new ReflectionService(packageDefinition as never, {
    services: services.map((service) => service.typeName),
  }).addToServer(server);
}
