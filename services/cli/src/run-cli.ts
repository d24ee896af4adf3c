import { statusCodeName, StatusCode } from '@switchboard/errors';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { OptimizerService, RegistryService } from '@switchboard/protocol';
import { Command, CommanderError } from 'commander';
import type { CliIo, CommandContext } from './command-context.js';
import { loadCliConfig } from './config.js';
import type { CliConfig } from './config.js';

/** Adds one top-level command (with its subcommands) to the program. */
export type CommandRegistration = (program: Command, context: CommandContext) => void;

/** Deadline of each registry call: long enough for a busy registry, short enough not to hang a script. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * Parses `argv` (the arguments after the program name), runs the chosen command and resolves to the
 * exit code: 0 on success, 1 on any error (after printing it to `io.stderr`). Never throws.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandRegistration[],
): Promise<number> {
  let config: CliConfig;
  try {
    config = loadCliConfig(io.env);
  } catch (error) {
    return reportError(error, io, '');
  }
  const program = new Command('switchboard')
    .description('Administer a Switchboard deployment')
    .option(
      '--registry <host:port>',
      'registry admin API address (env SWITCHBOARD_REGISTRY)',
      config.registryAddress,
    )
    .option(
      '--optimizer <host:port>',
      'optimizer API address (env SWITCHBOARD_OPTIMIZER)',
      config.optimizerAddress,
    )
    // Commander would call process.exit and print to the real console; tests need neither.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const addresses = () => program.opts<{ registry: string; optimizer: string }>();
  let registryClient: GrpcClient<typeof RegistryService> | undefined;
  let optimizerClient: GrpcClient<typeof OptimizerService> | undefined;
  const context: CommandContext = {
    io,
    config,
    callOptions: { timeoutMs: CALL_TIMEOUT_MS },
    registry: () =>
      (registryClient ??= createGrpcClient(RegistryService, addresses().registry, config.clientOptions)),
    optimizer: () =>
      (optimizerClient ??= createGrpcClient(OptimizerService, addresses().optimizer, config.clientOptions)),
  };
  for (const register of commands) register(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // The services this command called, for the hint when one was unreachable.
    const called = [
      registryClient === undefined
        ? ''
        : `is the registry running at ${addresses().registry}? set --registry or SWITCHBOARD_REGISTRY`,
      optimizerClient === undefined
        ? ''
        : `is the optimizer running at ${addresses().optimizer}? set --optimizer or SWITCHBOARD_OPTIMIZER`,
    ].filter((hint) => hint !== '');
    return reportError(error, io, called.join('; '));
  } finally {
    registryClient?.close();
    optimizerClient?.close();
  }
}

/**
 * Prints an error the way a person at a terminal needs it and returns the exit code.
 * @param unreachableHint what to check when a called service was unavailable; '' when none was called.
 */
function reportError(error: unknown, io: CliIo, unreachableHint: string): number {
  if (error instanceof CommanderError) return error.exitCode; // commander has printed it already
  if (isGrpcStatus(error)) {
    const hint =
      error.code === StatusCode.UNAVAILABLE && unreachableHint !== '' ? ` (${unreachableHint})` : '';
    io.stderr.write(`error: ${statusCodeName(error.code)}: ${error.details}${hint}\n`);
    return 1;
  }
  io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function isGrpcStatus(error: unknown): error is { code: number; details: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    typeof (error as { details?: unknown }).details === 'string'
  );
}
