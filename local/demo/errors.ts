/** A demo or query flag is malformed; the message names the flag and what was expected. */
export class DemoArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoArgumentError';
  }
}

/** The pipeline config lacks something the demo drives (a source table, topic or mapping). */
export class DemoConfigError extends Error {
  constructor(message: string) {
    super(`the demo drives the reference pipeline: ${message}`);
    this.name = 'DemoConfigError';
  }
}
