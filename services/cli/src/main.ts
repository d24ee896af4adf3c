#!/usr/bin/env node
import type { CliIo } from './command-context.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerModelsCommand } from './commands/models.js';
import { registerOptimizerCommand } from './commands/optimizer.js';
import { registerPlacementCommand } from './commands/placement.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerRoutesCommand } from './commands/routes.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerTenantsCommand } from './commands/tenants.js';
import { registerUpCommand } from './commands/up.js';
import { isEntryPoint } from './is-entry-point.js';
import { runCli } from './run-cli.js';
import type { CommandRegistration } from './run-cli.js';

/** Every top-level command of `switchboard`; adding one is one line here. */
const COMMANDS: readonly CommandRegistration[] = [
  registerModelsCommand,
  registerRoutesCommand,
  registerTenantsCommand,
  registerUpCommand,
  registerMigrateCommand,
  registerDemoCommand,
  registerStatsCommand,
  registerOptimizerCommand,
  registerPolicyCommand,
  registerPlacementCommand,
];

/**
 * Runs `switchboard` with `argv` (the arguments after the program name) against `io` and resolves
 * to the exit code. Never throws: errors are printed to `io.stderr`.
 */
export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(argv, io, COMMANDS);
}

if (isEntryPoint(import.meta.url, process.argv[1])) {
  // exitCode rather than exit(): the gRPC channel is closed by then, so node ends on its own.
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
