import { toJson } from '@bufbuild/protobuf';
import { RouteSpecSchema } from '@switchboard/protocol';
import type { RouteSpec } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { formatTable } from '../format-table.js';
import { collect } from '../parse-flag-values.js';

/** Adds `routes put|list|get|delete` to `program`. */
export function registerRoutesCommand(program: Command, context: CommandContext): void {
  const routes = program.command('routes').description('name groups of models clients can call');

  routes
    .command('put <name>')
    .description('create a route or replace its models and description')
    .requiredOption('--model <name>', 'a candidate model, in order of preference (repeat)', collect(String))
    .option('--description <text>', 'what the route is for', '')
    .action(async (name: string, options: { model: string[]; description: string }) => {
      const { route } = await context
        .registry()
        .putRoute(
          { route: { name, models: options.model, description: options.description } },
          context.callOptions,
        );
      context.io.stdout.write(`route ${route?.name} → ${route?.models.join(', ')}\n`);
    });

  routes
    .command('list')
    .description('list every route')
    .action(async () => {
      const { routes: list } = await context.registry().listRoutes({}, context.callOptions);
      context.io.stdout.write(formatRouteTable(list));
    });

  routes
    .command('get <name>')
    .description('print a route as JSON')
    .action(async (name: string) => {
      const { route } = await context.registry().getRoute({ name }, context.callOptions);
      const json = route === undefined ? {} : toJson(RouteSpecSchema, route);
      context.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    });

  routes
    .command('delete <name>')
    .description('delete a route (its models stay registered)')
    .action(async (name: string) => {
      await context.registry().deleteRoute({ name }, context.callOptions);
      context.io.stdout.write(`deleted route ${name}\n`);
    });
}

function formatRouteTable(routes: RouteSpec[]): string {
  const rows = routes.map((route) => [route.name, route.models.join(', '), route.description || '-']);
  return formatTable(['NAME', 'MODELS', 'DESCRIPTION'], rows);
}
