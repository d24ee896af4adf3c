import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { UsageError } from '../errors.js';
import { describeCanarySettings } from './canary-format.js';
import { describeRouteSettings, formatPolicy } from './policy-format.js';
import {
  addRouteSettingsFlags,
  applyRouteSettingsFlags,
  hasCanaryFlags,
  hasRouteSettingsFlags,
} from './policy-settings.js';
import type { RouteSettingsFlags } from './policy-settings.js';

/** Adds `policy show|set` to `program`. */
export function registerPolicyCommand(program: Command, context: CommandContext): void {
  const policy = program.command('policy').description("a route's learned routing policy and its settings");

  policy
    .command('show <route>')
    .description(
      'the live policy: version, estimated value, settings, last refusal, canaries, per-model evidence',
    )
    .action(async (route: string) => {
      const response = await context.optimizer().getPolicy({ route }, context.callOptions);
      context.io.stdout.write(formatPolicy(response));
    });

  const set = policy
    .command('set <route>')
    .description("change a route's reward, exploration and canary settings (the others keep their values)");
  addRouteSettingsFlags(set).action(async (route: string, flags: RouteSettingsFlags) => {
    if (!hasRouteSettingsFlags(flags)) {
      throw new UsageError(
        'give at least one of --cost-weight, --slo-miss-weight, --exploration, --tier-exploration, --canary-*',
      );
    }
    const optimizer = context.optimizer();
    const { settings: current } = await optimizer.getPolicy({ route }, context.callOptions);
    if (current === undefined) throw new Error(`the optimizer returned no settings for route ${route}`);
    const { settings } = await optimizer.setRouteSettings(
      { route, settings: applyRouteSettingsFlags(current, flags) },
      context.callOptions,
    );
    context.io.stdout.write(`route ${route}: ${describeRouteSettings(settings)}\n`);
    if (hasCanaryFlags(flags))
      context.io.stdout.write(`route ${route}: canaries ${describeCanarySettings(settings?.canary)}\n`);
  });
}
