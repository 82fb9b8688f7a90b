/**
 * `streambridge services up|down|status|env [server…]`: the local servers on loopback.
 *
 * @example
 * ```sh
 * node local/streambridge.mjs services up
 * eval "$(node local/streambridge.mjs services env)"
 * node local/streambridge.mjs services up redis --redis-port 26379 --state-dir /tmp/private
 * STREAMBRIDGE_AWS_TARGET=localstack node local/streambridge.mjs services up
 * ```
 */
import { parseArgs } from 'node:util';
import {
  AWS_TARGETS,
  type AwsTargetName,
  awsTargetSummary,
  resolveServicesConfig,
  SERVICE_NAMES,
  type ServiceName,
  type ServicePorts,
  ServicesError,
  type ServicesOptions,
  serviceEnv,
  servicesStatus,
  startServices,
  stopServices,
} from '../services';
import type { CliCommand } from './types';

const PORT_FLAGS = {
  'kafka-port': 'kafka',
  'kafka-controller-port': 'kafkaController',
  'redis-port': 'redis',
  'moto-port': 'moto',
  'kinesis-port': 'kinesis',
  'kinesis-tls-port': 'kinesisTls',
  'localstack-port': 'localstack',
} as const satisfies Record<string, keyof ServicePorts>;

const HELP = `usage: streambridge services <up|down|status|env> [${SERVICE_NAMES.join('|')} …] [options]
  up       start the servers (reuses running ones), detached; first run downloads Kafka jars, moto, redis
           (and LocalStack's venv on the localstack target)
  down     stop them, whatever the target (SIGTERM, then SIGKILL after a bounded wait); --purge also deletes
           their data
  status   port, pid and health of each server; exit code 1 unless all are healthy
  env      print \`export KEY=value\` lines for the endpoints (eval "$(streambridge services env)")
Which servers serve the AWS side: --aws-target ${AWS_TARGETS.join('|')} (default STREAMBRIDGE_AWS_TARGET, else moto),
--aws-endpoint URL for one someone else runs (STREAMBRIDGE_AWS_ENDPOINT); see docs/localstack.md.
options: --purge, --state-dir DIR, --log-dir DIR, --aws-target T, --aws-endpoint URL, ${Object.keys(
  PORT_FLAGS,
)
  .map((flag) => `--${flag} N`)
  .join(', ')}`;

function parse(args: string[]): { action: string | undefined; options: ServicesOptions; purge: boolean } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      'log-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      purge: { type: 'boolean' },
      'aws-target': { type: 'string' },
      'aws-endpoint': { type: 'string' },
      ...Object.fromEntries(Object.keys(PORT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const [action, ...names] = positionals;
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ServicesError(`unknown server "${name}"; known: ${SERVICE_NAMES.join(', ')}`);
    }
  }
  const ports: Partial<ServicePorts> = {};
  const flags: Record<string, string | boolean | undefined> = values;
  for (const [flag, key] of Object.entries(PORT_FLAGS)) {
    const value = flags[flag];
    if (typeof value !== 'string') continue;
    if (!/^\d+$/.test(value)) throw new ServicesError(`--${flag} must be a port number, got "${value}"`);
    ports[key] = Number(value);
  }
  return {
    action: values.help ? 'help' : action,
    purge: values.purge === true,
    options: {
      only: names as ServiceName[],
      ports,
      stateDir: values['state-dir'],
      logDir: values['log-dir'],
      // Checked against the known targets when the options are resolved.
      awsTarget: values['aws-target'] as AwsTargetName | undefined,
      awsEndpoint: values['aws-endpoint'],
    },
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function status(options: ServicesOptions): Promise<number> {
  const statuses = await servicesStatus(options);
  const rows = [['SERVER', 'PORTS', 'PID', 'HEALTH', 'STARTED BY', 'DETAIL']];
  for (const entry of statuses) {
    rows.push([
      entry.service,
      entry.ports.join(','),
      entry.pid === undefined ? '-' : String(entry.pid),
      entry.health,
      entry.startedBy ?? '-',
      entry.detail ?? '',
    ]);
  }
  console.log(table(rows));
  return statuses.every((entry) => entry.health === 'healthy') ? 0 : 1;
}

export const servicesCommand: CliCommand = {
  description: 'start, stop and inspect the local servers (Kafka, Redis, moto, kinesis-mock, LocalStack)',
  async run(args) {
    // The probes use the AWS SDK, which warns on every run that Node 20 support ends in 2027; the project
    // knows (Lambda runs nodejs22.x) and the warning would bury the command's output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { action, options, purge } = parse(args);
    switch (action) {
      case 'up': {
        const began = Date.now();
        await startServices({ ...options, startedBy: 'cli' });
        console.error(`services up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
        // Which server serves what is worth saying only when the target chose the servers.
        if (options.only?.length === 0) {
          console.error(awsTargetSummary(resolveServicesConfig(options).awsTarget, serviceEnv(options)));
        }
        return 0;
      }
      case 'down':
        await stopServices({ ...options, purge });
        return 0;
      case 'status':
        return status(options);
      case 'env':
        for (const [key, value] of Object.entries(serviceEnv(options))) console.log(`export ${key}=${value}`);
        return 0;
      case 'help':
        console.log(HELP);
        return 0;
      default:
        console.error(action ? `streambridge services: unknown action "${action}"\n${HELP}` : HELP);
        return 2;
    }
  },
};
