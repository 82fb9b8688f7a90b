import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_AWS, LOCALSTACK_PYTHON, LOOPBACK_HOST, TIMEOUTS } from '../constants';
import { ServicesError } from '../errors';
import { serverEnvironment } from '../processControl';
import { runInstallStep } from '../runInstallStep';
import type { ServerDefinition, ServicesConfig } from '../types';
import { findLocalStackPython } from './findLocalStackPython';

const here = dirname(fileURLToPath(import.meta.url));
const requirementsFile = join(here, 'requirements.txt');
const entryPoint = join(here, 'bindLoopback.py');
const nodeBindLoopback = join(here, '..', 'kinesis', 'bindLoopback.cjs');
const kinesisLocalDir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
const marker = '.streambridge-requirements-sha256';

/** The services LocalStack is started with; DynamoDB and its Streams stay on moto (see docs/localstack.md). */
const servedServices = ['sqs', 'kinesis', 's3'] as const;

/** A hash of the pins alone, so editing the file's comments does not rebuild the venv. */
function requirementsHash(): string {
  const pins = readFileSync(requirementsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  return createHash('sha256').update(pins.join('\n')).digest('hex');
}

function venvReady(config: ServicesConfig): boolean {
  const file = join(config.localStackVenvDir, marker);
  return (
    existsSync(file) &&
    readFileSync(file, 'utf8').trim() === requirementsHash() &&
    existsSync(join(config.localStackVenvDir, 'bin', 'python'))
  );
}

function pinnedLocalStack(): string {
  const pin = /^localstack-core==\S+$/m.exec(readFileSync(requirementsFile, 'utf8'));
  return pin ? pin[0] : 'localstack-core';
}

const { major, minor } = LOCALSTACK_PYTHON.minimum;
const pythonHint =
  `LocalStack runs in a venv of Python ≥ ${major}.${minor} with venv and pip; none found on PATH or in ` +
  `~/.pyenv/versions: install one (\`pyenv install ${major}.${minor}\`, or apt-get install -y ` +
  `python${major}.${minor} python${major}.${minor}-venv) or set ${LOCALSTACK_PYTHON.envVar} to one`;

/** Creates LocalStack's venv with a Python ≥ 3.13 and installs the pinned set into it, once. */
async function installLocalStack(config: ServicesConfig): Promise<void> {
  if (venvReady(config)) return;
  const python = findLocalStackPython(config.env);
  if (!python) throw new ServicesError(`localstack: ${pythonHint}`);
  const venv = config.localStackVenvDir;
  const env = { ...serverEnvironment(config.env), PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  config.log(
    `localstack: creating ${venv} with ${python} and installing ${pinnedLocalStack()} (first run only)`,
  );
  rmSync(venv, { recursive: true, force: true });
  await runInstallStep({
    label: 'localstack',
    file: python,
    args: ['-m', 'venv', venv],
    env,
    log: config.log,
  });
  const venvPython = join(venv, 'bin', 'python');
  await runInstallStep({
    label: 'localstack',
    file: venvPython,
    args: ['-m', 'pip', 'install', '--no-deps', '--progress-bar', 'off', '-r', requirementsFile],
    env,
    log: config.log,
  });
  // --no-deps trusts the pinned list to be complete; pip check proves it is.
  await runInstallStep({
    label: 'localstack',
    file: venvPython,
    args: ['-m', 'pip', 'check'],
    env,
    log: config.log,
  });
  writeFileSync(join(venv, marker), `${requirementsHash()}\n`);
}

/**
 * LocalStack keeps the packages it installs at run time under its filesystem root. Kinesis is served by the
 * npm `kinesis-local` package, which it would otherwise `npm install` on the first Kinesis request: the
 * project's own copy is linked where LocalStack looks, for the version it is told to use.
 */
function linkKinesisLocal(fsRoot: string): string {
  const { version } = JSON.parse(readFileSync(join(kinesisLocalDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const modules = join(fsRoot, 'var', 'lib', 'localstack', 'lib', 'kinesis-local', version, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const link = join(modules, 'kinesis-local');
  rmSync(link, { recursive: true, force: true });
  symlinkSync(kinesisLocalDir, link, 'dir');
  return version;
}

/** The caller's environment without endpoint overrides: LocalStack's own AWS clients must reach itself. */
function withoutEndpointOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('AWS_ENDPOINT_URL')));
}

/** Services LocalStack reports as usable on its health endpoint (`available` before first use, then `running`). */
async function healthyServices(port: number): Promise<Record<string, string>> {
  const response = await fetch(`http://${LOOPBACK_HOST}:${port}/_localstack/health`, {
    signal: AbortSignal.timeout(TIMEOUTS.probeAttempt),
  });
  if (!response.ok) throw new Error(`health endpoint answered ${response.status}`);
  return ((await response.json()) as { services: Record<string, string> }).services;
}

/**
 * LocalStack's runtime (`localstack-core` from PyPI, no Docker, no auth token) serving SQS, Kinesis and S3 on
 * one loopback port, from its own venv; its state lives in memory and under `<stateDir>/localstack`.
 */
export const localStackServer: ServerDefinition = {
  name: 'localstack',
  title: 'LocalStack',
  processMarker: entryPoint,
  startTimeoutMs: TIMEOUTS.startOther,
  stopTimeoutMs: TIMEOUTS.stopLocalStack,

  ports: (config) => [config.ports.localstack],

  missingPrerequisites(config) {
    if (venvReady(config) || findLocalStackPython(config.env)) return [];
    return [
      {
        name: `python${LOCALSTACK_PYTHON.minimum.major}.${LOCALSTACK_PYTHON.minimum.minor}`,
        hint: pythonHint,
      },
    ];
  },

  install: (config) => installLocalStack(config),

  async prepare(config) {
    const fsRoot = join(config.stateDir, 'localstack');
    const tmp = join(fsRoot, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const kinesisVersion = linkKinesisLocal(fsRoot);
    const gateway = `${LOOPBACK_HOST}:${config.ports.localstack}`;
    const env = serverEnvironment(withoutEndpointOverrides(config.env), {
      PYTHONUNBUFFERED: '1',
      // These machines have /.dockerenv; in-Docker mode would listen on 0.0.0.0 and look for Docker paths.
      OVERRIDE_IN_DOCKER: '0',
      FILESYSTEM_ROOT: fsRoot,
      TMPDIR: tmp,
      SERVICES: servedServices.join(','),
      GATEWAY_LISTEN: gateway,
      // The host in the URLs LocalStack hands out (SQS queue URLs), so they point back at this port.
      LOCALSTACK_HOST: gateway,
      SQS_ENDPOINT_STRATEGY: 'off',
      // No calls out: no certificate download, no DNS server (it would bind port 53), no usage events.
      SKIP_SSL_CERT_DOWNLOAD: '1',
      DNS_ADDRESS: '0',
      DISABLE_EVENTS: '1',
      KINESIS_MOCK_VERSION: kinesisVersion,
      KINESIS_PERSISTENCE: '0',
      // The defaults (100 shards, 10 on-demand streams) are soon reached by parallel tests.
      KINESIS_SHARD_LIMIT: '10000',
      KINESIS_ON_DEMAND_STREAM_COUNT_LIMIT: '10000',
      // kinesis-mock hard-codes 0.0.0.0; LocalStack runs it with the `node` on PATH, this one.
      NODE_OPTIONS: `--require ${JSON.stringify(nodeBindLoopback)}`,
      PATH: `${dirname(process.execPath)}${delimiter}${config.env.PATH ?? ''}`,
    });
    return {
      file: join(config.localStackVenvDir, 'bin', 'python'),
      args: [entryPoint],
      cwd: fsRoot,
      env,
    };
  },

  async probe(config) {
    const port = config.ports.localstack;
    const services = await healthyServices(port);
    const down = servedServices.filter((name) => !['available', 'running'].includes(services[name] ?? ''));
    if (down.length > 0) throw new Error(`not serving ${down.join(', ')} yet`);
    // The first Kinesis request starts kinesis-mock; ready means that has happened.
    const kinesis = new KinesisClient({
      endpoint: `http://${LOOPBACK_HOST}:${port}`,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: TIMEOUTS.probeAttempt,
        requestTimeout: TIMEOUTS.probeAttempt,
        throwOnRequestTimeout: true,
      }),
    });
    try {
      await kinesis.send(new ListStreamsCommand({ Limit: 1 }));
    } finally {
      kinesis.destroy();
    }
  },
};
