/** One step of tearing down what the bench started. */
interface CleanupTask {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/**
 * Everything the bench started, torn down in reverse order: the last thing started is the first
 * stopped, so a service stops before the NATS server it talks to. Used on normal completion, on
 * failure and on Ctrl-C alike.
 */
export class CleanupStack {
  readonly #tasks: CleanupTask[] = [];
  #running: Promise<void> | undefined;

  /** Adds a step; it runs before every step added earlier. */
  add(name: string, run: () => Promise<void>): void {
    this.#tasks.push({ name, run });
  }

  /**
   * Runs every step, last added first. A failing step is reported on stderr and the rest still run:
   * a stream left behind must not keep a child process alive. Idempotent.
   */
  run(): Promise<void> {
    this.#running ??= this.#runAll();
    return this.#running;
  }

  async #runAll(): Promise<void> {
    for (const task of this.#tasks.splice(0).reverse()) {
      try {
        await task.run();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        process.stderr.write(`cleanup: ${task.name} failed: ${reason}\n`);
      }
    }
  }
}
