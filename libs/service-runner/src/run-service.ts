import type { Environment, LogLevel } from '@switchboard/config';
import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import { startTracing } from '@switchboard/tracing';
import type { RunningTracing, TracingEnvironment } from '@switchboard/tracing';
import { surviveStrayErrors } from './survive-stray-errors.js';

/** The part of a service's config that runService reads. */
interface ServiceConfig {
  /** Level of the process's one logger (`LOG_LEVEL`). */
  readonly logLevel: LogLevel;
  /** The OTEL_* variables for startTracing, collected by config.ts with pickOtelVariables. */
  readonly otelEnvironment: TracingEnvironment;
}

/** A started service, as runService sees it. */
interface RunningService {
  /** Stops the service. Called on SIGTERM and again on SIGINT, so it must be idempotent. */
  stop(): Promise<void>;
}

/** The service that {@link runService} runs. */
export interface ServiceDefinition<C extends ServiceConfig> {
  /** Name of the service: `service` on every log line, and the spans' default service.name. */
  name: string;
  /** The service's config.ts reader, given `process.env`. @throws when the config is invalid. */
  loadConfig(environment: Environment): C;
  /** Starts the service with its config and the process's logger. @throws when it cannot start. */
  start(config: C, logger: Logger): Promise<RunningService>;
}

/** For a configuration the operator must fix: restarting the process unchanged cannot help. */
const EXIT_INVALID_CONFIG = 2;
const EXIT_FAILURE = 1;
const EXIT_SUCCESS = 0;

function readConfig<C extends ServiceConfig>(service: ServiceDefinition<C>): C {
  try {
    return service.loadConfig(process.env);
  } catch (error) {
    createLogger({ service: service.name }).fatal({ err: error }, 'invalid configuration');
    process.exit(EXIT_INVALID_CONFIG);
  }
}

/**
 * Exits once the logger has written what it holds: the line saying why a process ends is the one an
 * operator needs, and on a busy machine an exit straight after it could leave it unwritten.
 */
function exitAfterLogs(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}

function stopOnSignals(started: Promise<RunningService>, tracing: RunningTracing, logger: Logger): void {
  let stopping = false;
  const shutdown = (cause: { signal: NodeJS.Signals } | { reason: string }) => {
    if (stopping) return;
    stopping = true;
    logger.info(cause, 'stopping');
    // After the stop, so the spans of the work it finished on the way out are exported too.
    started
      .then((running) => running.stop())
      .finally(() => tracing.shutdown())
      .then(
        () => exitAfterLogs(logger, EXIT_SUCCESS),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          exitAfterLogs(logger, EXIT_FAILURE);
        },
      );
  };
  process.once('SIGTERM', (signal) => shutdown({ signal }));
  process.once('SIGINT', (signal) => shutdown({ signal }));
  // Started by startServiceProcess, the service has an IPC channel to its parent, which closes when
  // the parent goes however it goes (even SIGKILL): the service stops rather than run on orphaned.
  if (process.channel !== undefined) {
    process.channel.unref();
    process.once('disconnect', () => shutdown({ reason: 'parent exited' }));
  }
}

/**
 * Runs a service as its process: the whole body of a service's main.ts. Reads the config from
 * `process.env`, creates the process's pino logger at `config.logLevel`, starts tracing (before the
 * service, so every span finds the provider), starts the service and, on SIGTERM or SIGINT (or when
 * the parent that started it with an IPC channel exits), stops it, exports the buffered spans and exits. A signal that arrives while the service starts waits for
 * the start, so no signal skips the stop. An uncaught exception or unhandled rejection is logged and
 * does not end the process (see {@link surviveStrayErrors}).
 *
 * Exit codes: 2 when `loadConfig` throws (logged as `invalid configuration`), 1 when `start` or
 * `stop` rejects (logged), 0 after a clean stop.
 *
 * STYLE.md keeps signals and exit codes in main.ts. This is main.ts's half, moved here so the four
 * services share one copy: call it only from a main.ts, never from code a test imports.
 *
 * Resolves once the service has started and the signal handlers are in place; never rejects,
 * because every failure ends the process.
 */
export async function runService<C extends ServiceConfig>(service: ServiceDefinition<C>): Promise<void> {
  const config = readConfig(service);
  const logger = createLogger({ service: service.name, level: config.logLevel });
  surviveStrayErrors(logger);
  const tracing = startTracing({ serviceName: service.name, environment: config.otelEnvironment, logger });
  // The handlers go in before start runs (a microtask later): a signal while the service starts
  // would otherwise end the process without a stop.
  const started = Promise.resolve().then(() => service.start(config, logger));
  stopOnSignals(started, tracing, logger);
  try {
    await started;
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    exitAfterLogs(logger, EXIT_FAILURE);
  }
}
