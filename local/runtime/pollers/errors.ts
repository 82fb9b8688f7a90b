/** Errors of the local event source pollers. */

/** The poller was stopped: work in progress is abandoned without checkpointing. */
export class PollerStoppedError extends Error {
  constructor(mappingId: string) {
    super(`poller of ${mappingId} stopped`);
    this.name = 'PollerStoppedError';
  }
}

/** A mapping the local runtime cannot run; names the mapping and what is wrong. */
export class MappingConfigError extends Error {
  constructor(mappingId: string, problem: string) {
    super(`event source mapping ${mappingId}: ${problem}`);
    this.name = 'MappingConfigError';
  }
}
