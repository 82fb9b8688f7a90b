/** Errors of `streambridge replay`: each names what was wrong. */

/** A command-line argument was missing, unknown or malformed. */
export class ReplayArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayArgsError';
  }
}

/** A failure record or dead letter cannot be replayed as it is (unreadable body, unknown function). */
export class UnreplayableRecordError extends Error {
  readonly id: string;

  constructor(id: string, reason: string) {
    super(`${id}: ${reason}`);
    this.name = 'UnreplayableRecordError';
    this.id = id;
  }
}
