/** Options for {@link LocalProcessStartError}. */
interface LocalProcessStartErrorOptions {
  readonly command: string;
  /** The last lines the process wrote, for the reader of the error. */
  readonly output: string;
  readonly exitCode?: number | null;
  /** True when the process reported that its port was taken, so another port may work. */
  readonly portInUse?: boolean;
  readonly cause?: unknown;
}

/**
 * Thrown when a local server binary exists but does not start: it exits early, fails to
 * initialise its data directory, or is not ready within its start timeout. The message
 * carries the end of the process output.
 */
export class LocalProcessStartError extends Error {
  override readonly name = 'LocalProcessStartError';
  readonly retryable: boolean;
  readonly command: string;
  readonly output: string;
  readonly exitCode: number | null;
  readonly portInUse: boolean;

  constructor(message: string, options: LocalProcessStartErrorOptions) {
    const details =
      options.output === '' ? '' : `\n--- last output of ${options.command} ---\n${options.output}`;
    super(`${message}${details}`, { cause: options.cause });
    this.command = options.command;
    this.output = options.output;
    this.exitCode = options.exitCode ?? null;
    this.portInUse = options.portInUse ?? false;
    // A port taken between choosing it and binding it is a race that another port avoids.
    this.retryable = this.portInUse;
  }
}
