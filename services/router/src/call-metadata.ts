/**
 * What a call carries besides its message, whatever door it came through: gRPC metadata, or HTTP
 * headers mapped one to one (lower-case names). grpc-js' `Metadata` has this shape already.
 */
export interface CallMetadata {
  /** Every value sent under `key` (lower-case), in order; empty when absent. */
  get(key: string): Array<string | Buffer>;
  /** Every key with its values, e.g. to bound their total size. */
  toJSON(): Record<string, Array<string | Buffer>>;
}
