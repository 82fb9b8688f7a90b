/**
 * A private set of local servers (own state dir, own ports) with the default app deployed and running on
 * it, for the demo's end-to-end and fault tests. Fault tests kill and restart these servers and the
 * runtime's function processes; nothing here touches the shared servers other test files use, and the
 * deployment state, checkpoints and cloud assembly live in the private directory too.
 *
 * Redis runs with an append-only file fsynced on every write (`STREAMBRIDGE_REDIS_APPENDONLY=yes`): the
 * local stand-in for ElastiCache's durable primary/replica. Without persistence a restarted redis-server
 * is empty, every earlier effect would be gone, and no sink could prevent that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningDemoPipeline, startDemoPipeline } from '../../../local/demo/startDemoPipeline';
import { localEndpoints } from '../../../local/deploy/localEndpoints';
import type { LocalEndpoints } from '../../../local/deploy/types';
import type { ServiceName } from '../../../local/services';
import { freeServicePorts, serviceEnv, startServices, stopServices } from '../../../local/services';

export interface PrivatePipeline {
  readonly dir: string;
  readonly endpoints: LocalEndpoints;
  readonly pipeline: RunningDemoPipeline;
  /** SIGKILLs one server (a crash) and starts it again on the same ports and data. */
  crashAndRestart(name: ServiceName, downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PrivatePipelineOptions {
  /** Deploy this cloud assembly instead of synthesizing the app into the private directory. */
  readonly assemblyDir?: string;
  readonly log?: (line: string) => void;
}

export async function startPrivatePipeline(settings: PrivatePipelineOptions = {}): Promise<PrivatePipeline> {
  const log = settings.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'sb-demo-'));
  const options = {
    stateDir: join(dir, 'state'),
    ports: await freeServicePorts(),
    env: { ...process.env, STREAMBRIDGE_REDIS_APPENDONLY: 'yes' },
    log,
  };
  await startServices({ ...options, startedBy: 'api' });
  const endpoints = localEndpoints({ ...serviceEnv(options) });
  try {
    const pipeline = await startDemoPipeline({
      endpoints,
      ...(settings.assemblyDir ? { assemblyDir: settings.assemblyDir } : { outdir: join(dir, 'cdk.out') }),
      stateFile: join(dir, 'deployment.json'),
      logFile: join(dir, 'runtime.log'),
      log,
    });
    return {
      dir,
      endpoints,
      pipeline,
      async crashAndRestart(name, downMs) {
        await stopServices({ ...options, only: [name], kill: true });
        await new Promise((resolve) => setTimeout(resolve, downMs));
        await startServices({ ...options, only: [name], startedBy: 'api' });
      },
      async stop() {
        await pipeline.stop();
        await stopServices({ ...options, purge: true });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopServices({ ...options, purge: true });
    throw error;
  }
}
