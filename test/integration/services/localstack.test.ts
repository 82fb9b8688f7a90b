import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  freePort,
  resolveServicesConfig,
  type ServicesOptions,
  serviceEnv,
  servicesStatus,
  startServices,
  stopServices,
} from '../../../local/services';

const requirementsFile = join(import.meta.dirname, '../../../local/services/localstack/requirements.txt');
const kinesisLocalMain = join(
  dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json')),
  'main.js',
);

/** The processes of a process group (the launcher starts each server as a group leader). */
function groupMembers(leader: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === leader && state !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while the table was read.
    }
  }
  return members;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Local address (hex, as /proc/net/tcp{,6} print it) and port of every socket these processes listen on. */
function listeningSockets(pids: number[]): { address: string; port: number }[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }));
      if (match) inodes.add(match[1]);
    }
  }
  const sockets: { address: string; port: number }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const [address, port] = columns[1].split(':');
      if (columns[3] === '0A' && inodes.has(columns[9]))
        sockets.push({ address, port: Number.parseInt(port, 16) });
    }
  }
  return sockets;
}

const loopback = ['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000'];

describe('LocalStack server from the launcher (no Docker, no auth token)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streambridge-localstack-'));
  let options: ServicesOptions;
  let env: Record<string, string>;
  let pid: number;

  const client = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

  beforeAll(async () => {
    options = {
      only: ['localstack'],
      stateDir,
      ports: { localstack: await freePort() },
      env: { ...process.env, STREAMBRIDGE_AWS_TARGET: 'localstack' },
      log: () => undefined,
    };
    env = serviceEnv(options);
  });

  afterAll(async () => {
    await stopServices(options);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts from its own venv of exactly the pinned packages, listening on loopback only', async () => {
    // Act
    const [started] = await startServices(options);
    pid = started.pid;

    // Assess: its venv holds exactly the committed pins
    expect(started).toMatchObject({ service: 'localstack', reused: false });
    const python = join(resolveServicesConfig(options).localStackVenvDir, 'bin', 'python');
    const installed = execFileSync(python, ['-m', 'pip', 'freeze'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.toLowerCase().replaceAll('_', '-'))
      .sort();
    const pinned = readFileSync(requirementsFile, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.toLowerCase().replaceAll('_', '-'))
      .sort();
    expect(installed).toEqual(pinned);
    expect(pinned).toContain('localstack-core==2026.3.0');

    // Assess: the gateway and the kinesis-mock it started (the probe's Kinesis call starts it) on loopback
    const members = groupMembers(pid);
    const sockets = listeningSockets(members);
    expect(sockets.map((socket) => socket.port)).toContain(options.ports?.localstack);
    expect(sockets.length).toBeGreaterThanOrEqual(3);
    for (const socket of sockets) expect(loopback, `port ${socket.port}`).toContain(socket.address);
  }, 600_000); // the first run on a machine downloads and installs the venv

  it("serves Kinesis with the project's own kinesis-local, downloading nothing", () => {
    // Act
    const kinesisMock = groupMembers(pid).find((member) => commandLine(member).includes('kinesis-local'));

    // Assess
    expect(kinesisMock).toBeDefined();
    const script = commandLine(kinesisMock as number)
      .split(' ')
      .find((arg) => arg.endsWith('main.js')) as string;
    expect(realpathSync(script)).toBe(realpathSync(kinesisLocalMain));
  });

  it('points SQS, Kinesis and S3 at it on the localstack target', () => {
    // Assess
    const url = `http://127.0.0.1:${options.ports?.localstack}`;
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_SQS: url,
      AWS_ENDPOINT_URL_KINESIS: url,
      AWS_ENDPOINT_URL_S3: url,
    });
  });

  it('answers SQS: create a queue, send, receive', async () => {
    // Prepare
    const sqs = new SQSClient({ ...client, endpoint: env.AWS_ENDPOINT_URL_SQS });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `sb-ls-${Date.now()}` }));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello from the launcher' }));

    // Assess: the queue URL points back at the loopback port, and the message comes back
    expect(QueueUrl?.startsWith(`${env.AWS_ENDPOINT_URL_SQS}/`)).toBe(true);
    const bodies: string[] = [];
    await vi.waitFor(
      async () => {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
        for (const message of Messages ?? []) bodies.push(message.Body ?? '');
        expect(bodies).toEqual(['hello from the launcher']);
      },
      { timeout: 20_000, interval: 100 },
    );
    sqs.destroy();
  });

  it('answers Kinesis: create a stream, wait for ACTIVE, put, get', async () => {
    // Prepare
    const kinesis = new KinesisClient({
      ...client,
      endpoint: env.AWS_ENDPOINT_URL_KINESIS,
      requestHandler: new NodeHttpHandler(),
    });
    const StreamName = `sb-ls-${Date.now()}`;
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await vi.waitFor(
      async () => {
        const { StreamDescriptionSummary } = await kinesis.send(
          new DescribeStreamSummaryCommand({ StreamName }),
        );
        expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      },
      { timeout: 20_000, interval: 100 },
    );

    // Act
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'k-1', Data: Buffer.from('{"n":1}') }),
    );

    // Assess
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    await vi.waitFor(
      async () => {
        const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
        expect(Records?.map((record) => Buffer.from(record.Data ?? []).toString())).toEqual(['{"n":1}']);
        expect(Records?.[0]?.SequenceNumber).toBe(put.SequenceNumber);
      },
      { timeout: 20_000, interval: 100 },
    );
    kinesis.destroy();
  });

  it('answers S3: create a bucket, put an object, get it back', async () => {
    // Prepare
    const s3 = new S3Client({ ...client, endpoint: env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
    const Bucket = `sb-ls-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));

    // Act
    await s3.send(new PutObjectCommand({ Bucket, Key: 'failed/batch-1.json', Body: '{"records":[]}' }));

    // Assess
    const object = await s3.send(new GetObjectCommand({ Bucket, Key: 'failed/batch-1.json' }));
    expect(await object.Body?.transformToString()).toBe('{"records":[]}');
    s3.destroy();
  });

  it('is reused while it runs, reports healthy, and stops with its kinesis-mock', async () => {
    // Act
    const [again] = await startServices(options);
    const [status] = await servicesStatus(options);

    // Assess
    expect(again).toMatchObject({ service: 'localstack', reused: true, pid });
    expect(status).toMatchObject({ service: 'localstack', health: 'healthy', pid });

    // Act
    const members = groupMembers(pid);
    const stopped = await stopServices(options);

    // Assess
    expect(members.length).toBeGreaterThanOrEqual(2);
    expect(stopped).toEqual([{ service: 'localstack', pid, killed: false }]);
    expect(groupMembers(pid)).toEqual([]);
    expect((await servicesStatus(options))[0]).toMatchObject({ health: 'stopped', pid: undefined });
  });
});
