import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS, LOOPBACK_HOST, TIMEOUTS, VERSIONS } from '../constants';
import { findExecutable } from '../findExecutable';
import { serverEnvironment } from '../processControl';
import { runInstallStep } from '../runInstallStep';
import type { ServerDefinition, ServicesConfig } from '../types';
import { MOTO_LAUNCHER_FILE } from './constants';
import { motoLauncherArgs, motoSettings } from './motoSettings';
import { readMotoStatus } from './readMotoStatus';

const requirement = `moto[server]==${VERSIONS.moto}`;
const launcher = join(dirname(fileURLToPath(import.meta.url)), MOTO_LAUNCHER_FILE);
const marker = '.streambridge-requirement';

function venvReady(config: ServicesConfig): boolean {
  const file = join(config.venvDir, marker);
  return (
    existsSync(file) &&
    readFileSync(file, 'utf8').trim() === requirement &&
    existsSync(join(config.venvDir, 'bin', 'moto_server'))
  );
}

/** Creates the project-local venv and installs the pinned moto server into it, once. */
async function installMoto(config: ServicesConfig): Promise<void> {
  if (venvReady(config)) return;
  const python = findExecutable('python3', config.env) as string;
  const env = { ...serverEnvironment(config.env), PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  config.log(`moto: creating ${config.venvDir} and installing ${requirement} from PyPI (first run only)`);
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
    args: ['-m', 'pip', 'install', '--progress-bar', 'off', requirement],
    env,
    log: config.log,
  });
  writeFileSync(join(config.venvDir, marker), `${requirement}\n`);
}

/**
 * moto server: one endpoint for DynamoDB, DynamoDB Streams, SQS and S3 (service picked from the SigV4 scope),
 * run by the launcher beside this file, which adds TTL expiry, stream retention and iterator expiry.
 */
export const motoServer: ServerDefinition = {
  name: 'moto',
  title: 'moto',
  // The launcher's file name holds it too, so a plain moto_server of an older streambridge is recognised
  // as ours, fails the probe (no status endpoint) and is restarted.
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
    const settings = motoSettings(config.env);
    return {
      file: join(config.venvDir, 'bin', 'python'),
      args: [launcher, '-H', LOOPBACK_HOST, '-p', String(config.ports.moto), ...motoLauncherArgs(settings)],
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
      await readMotoStatus(config.ports.moto, TIMEOUTS.probeAttempt);
      await client.send(new ListTablesCommand({ Limit: 1 }));
    } finally {
      client.destroy();
    }
  },
};
