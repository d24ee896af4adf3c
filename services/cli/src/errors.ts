/**
 * Thrown when the command line itself is wrong (a malformed flag value, a missing argument), before
 * anything is sent to a service. Its message is printed as is.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
