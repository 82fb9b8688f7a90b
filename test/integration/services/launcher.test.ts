import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  freePort,
  PortInUseError,
  type ServicesOptions,
  servicesStatus,
  startServices,
  stopServices,
} from '../../../local/services';

const execFileAsync = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', '..', 'local', 'streambridge.mjs');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed child that its parent has not reaped yet is a zombie: gone for our purpose.
  return !/\) Z/.test(readProcStat(pid));
}

function readProcStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

describe('services launcher on a private Redis instance', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streambridge-launcher-'));
  let options: ServicesOptions;

  beforeAll(async () => {
    options = { only: ['redis'], stateDir, ports: { redis: await freePort() }, log: () => undefined };
  });

  afterAll(async () => {
    await stopServices(options);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('reuses a running server, restarts a killed one and leaves no process after down', async () => {
    // Act: up twice
    const [first] = await startServices(options);
    const [second] = await startServices(options);

    // Assess: the second up kept the same process
    expect(first.reused).toBe(false);
    expect(second).toMatchObject({ reused: true, pid: first.pid });
    expect((await servicesStatus(options))[0]).toMatchObject({ health: 'healthy', pid: first.pid });

    // Act: kill it behind the launcher's back, then up again
    process.kill(first.pid, 'SIGKILL');
    await vi.waitFor(() => expect(isRunning(first.pid)).toBe(false), { timeout: 5_000, interval: 50 });
    const [third] = await startServices(options);

    // Assess: only a new process answers now
    expect(third.reused).toBe(false);
    expect(third.pid).not.toBe(first.pid);
    expect(isRunning(third.pid)).toBe(true);

    // Act: down
    const stopped = await stopServices(options);

    // Assess
    expect(stopped).toEqual([{ service: 'redis', pid: third.pid, killed: false }]);
    expect(isRunning(third.pid)).toBe(false);
    expect(existsSync(join(stateDir, 'redis.pid'))).toBe(false);
    expect((await servicesStatus(options))[0]).toMatchObject({ health: 'stopped', pid: undefined });
  });

  it('kills at once on request (a crash for fault tests) and purges the data dir', async () => {
    // Prepare
    const [started] = await startServices(options);

    // Act
    const stopped = await stopServices({ ...options, kill: true, purge: true });

    // Assess
    expect(stopped).toEqual([{ service: 'redis', pid: started.pid, killed: true }]);
    expect(isRunning(started.pid)).toBe(false);
    expect(existsSync(join(stateDir, 'redis'))).toBe(false);
  });

  it('refuses a port held by a process that is not ours, naming the port', async () => {
    // Prepare
    const squatter: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));

    try {
      // Act
      const start = startServices({ ...options, ports: { redis: port } });

      // Assess
      await expect(start).rejects.toThrow(PortInUseError);
      await expect(start).rejects.toThrow(new RegExp(`port ${port} needed by redis is in use`));
    } finally {
      squatter.close();
    }
  });
});

describe('services CLI prerequisites', () => {
  it('fails fast with one line naming java when java is not on PATH', async () => {
    // Prepare: an empty PATH (node itself is run by absolute path) and a private state dir and ports
    const stateDir = mkdtempSync(join(tmpdir(), 'streambridge-nojava-'));
    const emptyBin = mkdtempSync(join(tmpdir(), 'streambridge-empty-path-'));
    const [port, controllerPort] = [await freePort(), await freePort()];
    const args = [cli, 'services', 'up', 'kafka', '--state-dir', stateDir];
    args.push('--kafka-port', String(port), '--kafka-controller-port', String(controllerPort));

    try {
      // Act
      const began = Date.now();
      const run = await execFileAsync(process.execPath, args, {
        env: { ...process.env, PATH: emptyBin },
        timeout: 60_000,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );

      // Assess
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^streambridge: missing prerequisite: java \(/);
      expect(Date.now() - began).toBeLessThan(20_000);
      expect(readdirSync(stateDir).filter((name) => name.endsWith('.pid') || name === 'kafka')).toEqual([]);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(emptyBin, { recursive: true, force: true });
    }
  });
});
