import type { CallOptions, GrpcClient } from '@switchboard/grpc';
import type { Environment } from '@switchboard/config';
import type { OptimizerService, RegistryService } from '@switchboard/protocol';
import type { CliConfig } from './config.js';

/** Somewhere text goes: process.stdout in main.ts, a string buffer in tests. */
export interface Writer {
  write(text: string): void;
}

/** The CLI's connection to the outside world, injected so tests run it in-process. */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  /** Environment variables; read only through config.ts. */
  env: Environment;
}

/** What every command gets. */
export interface CommandContext {
  readonly io: CliIo;
  /** What `io.env` says, read once before any command is registered. */
  readonly config: CliConfig;
  /** The registry client for the address `--registry` resolved to; created on first use, closed by the runner. */
  registry(): GrpcClient<typeof RegistryService>;
  /** The optimizer client for the address `--optimizer` resolved to; created on first use, closed by the runner. */
  optimizer(): GrpcClient<typeof OptimizerService>;
  /** Options for every registry call (a deadline, so an unreachable service fails instead of hanging). */
  readonly callOptions: CallOptions;
}
