import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS, LOOPBACK_HOST, TIMEOUTS, VERSIONS } from '../constants';
import { findExecutable } from '../findExecutable';
import { serverEnvironment } from '../processControl';
import { runInstallStep } from '../runInstallStep';
import type { ServerDefinition, ServicesConfig } from '../types';

const MOTO_REQUIREMENT = `moto[server]==${VERSIONS.moto}`;
const REQUIREMENT_MARKER = '.streambridge-requirement';

function venvReady(config: ServicesConfig): boolean {
  const file = join(config.venvDir, REQUIREMENT_MARKER);
  return (
    existsSync(file) &&
    readFileSync(file, 'utf8').trim() === MOTO_REQUIREMENT &&
    existsSync(join(config.venvDir, 'bin', 'moto_server'))
  );
}

/** Creates the project-local venv and installs the pinned moto server into it, once. */
async function installMoto(config: ServicesConfig): Promise<void> {
  if (venvReady(config)) return;
  const python = findExecutable('python3', config.env) as string;
  const env = { ...serverEnvironment(config.env), PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  config.log(
    `moto: creating ${config.venvDir} and installing ${MOTO_REQUIREMENT} from PyPI (first run only)`,
  );
  rmSync(config.venvDir, { recursive: true, force: true });
  await runInstallStep({
    label: 'moto',
    file: python,
    args: ['-m', 'venv', config.venvDir],
    env,
    log: config.log,
  });
  await runInstallStep({
    label: 'moto',
    file: join(config.venvDir, 'bin', 'python'),
    args: ['-m', 'pip', 'install', '--progress-bar', 'off', MOTO_REQUIREMENT],
    env,
    log: config.log,
  });
  writeFileSync(join(config.venvDir, REQUIREMENT_MARKER), `${MOTO_REQUIREMENT}\n`);
}

/** moto server: one endpoint for DynamoDB, DynamoDB Streams, SQS and S3 (service picked from the SigV4 scope). */
export const motoServer: ServerDefinition = {
  name: 'moto',
  title: 'moto',
  processMarker: 'moto_server',
  startTimeoutMs: TIMEOUTS.startOther,
  stopTimeoutMs: TIMEOUTS.stopOther,

  ports: (config) => [config.ports.moto],

  missingPrerequisites(config) {
    if (venvReady(config) || findExecutable('python3', config.env)) return [];
    return [{ name: 'python3', hint: 'moto runs in a Python venv: apt-get install -y python3 python3-venv' }];
  },

  install: (config) => installMoto(config),

  async prepare(config) {
    return {
      file: join(config.venvDir, 'bin', 'moto_server'),
      args: ['-H', LOOPBACK_HOST, '-p', String(config.ports.moto)],
      cwd: config.stateDir,
      env: serverEnvironment(config.env, { PYTHONUNBUFFERED: '1' }),
    };
  },

  async probe(config) {
    const client = new DynamoDBClient({
      endpoint: `http://${LOOPBACK_HOST}:${config.ports.moto}`,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
      maxAttempts: 1,
      requestHandler: { connectionTimeout: TIMEOUTS.probeAttempt, requestTimeout: TIMEOUTS.probeAttempt },
    });
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
    } finally {
      client.destroy();
    }
  },
};
