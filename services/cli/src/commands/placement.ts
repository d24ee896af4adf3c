import { createGrpcClient } from '@switchboard/grpc';
import { ResourceManagerService } from '@switchboard/protocol';
import { explainUnreachable } from '../explain-unreachable.js';
import { formatPlacement, formatPlacementJson } from '../format-placement.js';
import type { CommandRegistration } from '../run-cli.js';

/** Deadline of the GetPlacement call: the manager answers from memory, so a slow answer means trouble. */
const CALL_TIMEOUT_MS = 5_000;

/** Adds `placement` and the global `--resource-manager <host:port>` option to the program. */
export const registerPlacementCommand: CommandRegistration = (program, context) => {
  program.option(
    '--resource-manager <host:port>',
    'resource manager API address (env SWITCHBOARD_RESOURCE_MANAGER)',
    context.config.resourceManagerAddress,
  );
  program
    .command('placement')
    .description(
      "workers, their models, memory and utilisation, and the resource manager's forecast and plan",
    )
    .option('--json', 'print the GetPlacement answer as protobuf JSON, every field included', false)
    .action(async (flags: { json: boolean }) => {
      const address = program.opts<{ resourceManager: string }>().resourceManager;
      const client = createGrpcClient(ResourceManagerService, address, context.config.clientOptions);
      try {
        const response = await explainUnreachable(
          client.getPlacement({}, { timeoutMs: CALL_TIMEOUT_MS }),
          'resource manager',
          address,
          '`switchboard up` starts one; set --resource-manager or SWITCHBOARD_RESOURCE_MANAGER',
        );
        context.io.stdout.write(flags.json ? formatPlacementJson(response) : formatPlacement(response));
      } finally {
        client.close();
      }
    });
};
