import { setTimeout as sleep } from 'node:timers/promises';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { MonitorService, StatsWindow } from '@switchboard/protocol';
import type { GetStatsRequest } from '@switchboard/protocol';
import { InvalidArgumentError } from 'commander';
import type { CommandContext, Writer } from '../command-context.js';
import { explainUnreachable } from '../explain-unreachable.js';
import { formatStats } from '../format-stats.js';
import { parseChoice, parseDurationMs } from '../parse-flag-values.js';
import type { CommandRegistration } from '../run-cli.js';

const WINDOWS: ReadonlyMap<string, StatsWindow> = new Map([
  ['1m', StatsWindow.ONE_MINUTE],
  ['5m', StatsWindow.FIVE_MINUTES],
  ['all', StatsWindow.SINCE_START],
]);
/** Deadline of one GetStats call: the monitor answers from memory, so a slow answer means trouble. */
const CALL_TIMEOUT_MS = 5_000;
/** Moves the cursor home and clears the screen, so --watch redraws in place on a terminal. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

interface StatsOptions {
  model: string;
  route: string;
  tenant: string;
  window: StatsWindow;
  watch: boolean;
  interval: number;
}

/** Options for {@link createStatsCommand}. */
export interface StatsCommandOptions {
  /**
   * Ends `--watch` when aborted. Default: Ctrl-C (SIGINT) or SIGTERM. Tests pass their own, so a
   * watch runs a bounded number of refreshes in-process.
   */
  readonly stopSignal?: AbortSignal;
}

/**
 * Builds the registration of `stats` and the global `--monitor <host:port>` option.
 * @example runCli(argv, io, [createStatsCommand({ stopSignal: controller.signal })])
 */
export function createStatsCommand(options: StatsCommandOptions = {}): CommandRegistration {
  return (program, context) => {
    program.option(
      '--monitor <host:port>',
      'monitor API address (env SWITCHBOARD_MONITOR)',
      context.config.monitorAddress,
    );
    program
      .command('stats')
      .description('latency percentiles, errors, throughput, cost and batching, from the monitor')
      .option('--model <name>', 'only this model', '')
      .option('--route <name>', 'only requests that called this route', '')
      .option('--tenant <name>', 'only this tenant', '')
      .option(
        '--window <1m|5m|all>',
        'time window: last minute, last 5 minutes, or since start',
        parseChoice(WINDOWS),
        StatsWindow.ONE_MINUTE,
      )
      .option('--watch', 'refresh until Ctrl-C', false)
      .option('--interval <duration>', 'refresh period of --watch, e.g. 500ms, 1s, 5s', parseInterval, 1_000)
      .action(async (flags: StatsOptions) => {
        const address = program.opts<{ monitor: string }>().monitor;
        await runStats(flags, address, context, options.stopSignal);
      });
  };
}

/** `switchboard stats`, stopped by Ctrl-C in --watch mode. */
export const registerStatsCommand: CommandRegistration = createStatsCommand();

async function runStats(
  flags: StatsOptions,
  address: string,
  context: CommandContext,
  stopSignal: AbortSignal | undefined,
): Promise<void> {
  const client = createGrpcClient(MonitorService, address, context.config.clientOptions);
  const request = { model: flags.model, route: flags.route, tenant: flags.tenant, window: flags.window };
  const render = async () => formatStats(await fetchStats(client, request, address));
  try {
    if (flags.watch) await watchUntilStopped(render, flags.interval, stopSignal, context.io.stdout);
    else context.io.stdout.write(await render());
  } finally {
    client.close();
  }
}

async function watchUntilStopped(
  render: () => Promise<string>,
  intervalMs: number,
  stopSignal: AbortSignal | undefined,
  out: Writer,
): Promise<void> {
  const interrupt = stopSignal === undefined ? stopOnInterrupt() : undefined;
  try {
    await watch(render, intervalMs, stopSignal ?? interrupt!.signal, out);
  } finally {
    interrupt?.dispose();
  }
}

/** Redraws until `stopSignal` aborts; a failed refresh is shown and retried, since monitors restart. */
async function watch(
  render: () => Promise<string>,
  intervalMs: number,
  stopSignal: AbortSignal,
  out: Writer,
) {
  const clear = (out as { isTTY?: boolean }).isTTY === true ? CLEAR_SCREEN : '';
  while (!stopSignal.aborted) {
    const text = await render().catch(
      (error: unknown) => `${error instanceof Error ? error.message : String(error)}; retrying\n`,
    );
    if (stopSignal.aborted) return;
    out.write(`${clear}${text}\n`);
    await sleep(intervalMs, undefined, { signal: stopSignal }).catch(() => undefined); // aborted: the loop ends
  }
}

async function fetchStats(
  client: GrpcClient<typeof MonitorService>,
  request: Omit<GetStatsRequest, '$typeName'>,
  address: string,
) {
  return explainUnreachable(
    client.getStats(request, { timeoutMs: CALL_TIMEOUT_MS }),
    'monitor',
    address,
    'set --monitor or SWITCHBOARD_MONITOR',
  );
}

function stopOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

function parseInterval(text: string): number {
  const intervalMs = parseDurationMs(text);
  if (intervalMs <= 0) throw new InvalidArgumentError('expected a duration above 0, such as 500ms, 1s or 5s');
  return intervalMs;
}
