import { create, toJson } from '@bufbuild/protobuf';
import { RouteSpecSchema } from '@switchboard/protocol';
import type { RouteSpec } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { describeCandidates, describeCascade, describeShadows } from '../describe-route.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../format-table.js';
import { readSpecFile } from '../read-spec-file.js';
import { addRouteFlags, applyRouteFlags } from '../route-flags.js';
import type { RouteFlags } from '../route-flags.js';

/** Adds `routes put|list|get|delete` to `program`. */
export function registerRoutesCommand(program: Command, context: CommandContext): void {
  const routes = program.command('routes').description('name groups of models clients can call');
  addPutCommand(routes, context);

  routes
    .command('list')
    .description('list every route with its candidates, cascade and shadows')
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

function addPutCommand(routes: Command, context: CommandContext): void {
  const put = routes
    .command('put <name>')
    .description('create a route or replace all of it, from --file and/or flags (flags override the file)')
    .option('--file <route.json>', 'a RouteSpec in protobuf JSON form');
  addRouteFlags(put).action(async (name: string, options: RouteFlags & { file?: string }) => {
    const spec =
      options.file === undefined
        ? create(RouteSpecSchema)
        : await readSpecFile(options.file, RouteSpecSchema);
    spec.name = name;
    applyRouteFlags(spec, options);
    if (spec.candidates.length === 0) {
      throw new UsageError('give the candidates with --model (repeat, in order of preference) or in --file');
    }
    const { route } = await context.registry().putRoute({ route: spec }, context.callOptions);
    context.io.stdout.write(`${describeStoredRoute(route ?? spec)}\n`);
  });
}

/** `route classify → small, large (cascade < 0.8; shadows big 5%)`. */
function describeStoredRoute(route: RouteSpec): string {
  const extras = [
    route.cascade === undefined ? '' : `cascade ${describeCascade(route)}`,
    route.shadows.length === 0 ? '' : `shadows ${describeShadows(route)}`,
  ].filter((extra) => extra !== '');
  const suffix = extras.length === 0 ? '' : ` (${extras.join('; ')})`;
  return `route ${route.name} → ${describeCandidates(route)}${suffix}`;
}

function formatRouteTable(routes: RouteSpec[]): string {
  const rows = routes.map((route) => [
    route.name,
    describeCandidates(route),
    describeCascade(route),
    describeShadows(route),
    route.description || '-',
  ]);
  return formatTable(['NAME', 'CANDIDATES', 'CASCADE', 'SHADOWS', 'DESCRIPTION'], rows);
}
