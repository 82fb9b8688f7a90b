/** A top-level CLI command: `run` gets the arguments after the command name and returns the exit code. */
export interface CliCommand {
  readonly description: string;
  run(args: string[]): Promise<number>;
}
