/**
 * The `streambridge` command line. Each top-level command lives in its own module under
 * `local/commands/` and is registered here.
 *
 * @example
 * ```sh
 * npx streambridge services up
 * ```
 */
import type { CliCommand } from './commands/types';

const commands: Record<string, () => Promise<CliCommand>> = {
  build: async () => (await import('./commands/build')).buildCommand,
  services: async () => (await import('./commands/services')).servicesCommand,
  docs: async () => (await import('./commands/docs')).docsCommand,
  'cfn-lint': async () => (await import('./commands/cfnLint')).cfnLintCommand,
  local: async () => (await import('./commands/local')).localCommand,
  replay: async () => (await import('./commands/replay')).replayCommand,
};

function usage(): string {
  const names = Object.keys(commands).sort();
  return `usage: streambridge <command> [args]\ncommands: ${names.join(', ')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`streambridge: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`streambridge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
