import { logFilePath, runningRecord } from './pidFiles';
import { isPortFree, portHolder } from './portCheck';
import { resolveServicesConfig } from './resolveServicesConfig';
import { SERVER_DEFINITIONS } from './serverDefinitions';
import type { ServiceStatus, ServicesOptions } from './types';

/**
 * Each selected server's ports, pid and health (one real probe request each).
 *
 * @example
 * ```ts
 * const unhealthy = (await servicesStatus()).filter((s) => s.health !== 'healthy');
 * ```
 */
export async function servicesStatus(options: ServicesOptions = {}): Promise<ServiceStatus[]> {
  const config = resolveServicesConfig(options);
  return Promise.all(
    config.services.map(async (name): Promise<ServiceStatus> => {
      const server = SERVER_DEFINITIONS[name];
      const logFile = logFilePath(config, name);
      const record = runningRecord(config, name, server.processMarker);
      if (record) {
        const detail = await server.probe(config).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
        return {
          service: name,
          ports: record.ports,
          pid: record.pid,
          health: detail === undefined ? 'healthy' : 'unhealthy',
          startedBy: record.startedBy,
          logFile,
          detail,
        };
      }
      const ports = server.ports(config);
      const taken: number[] = [];
      for (const port of ports) if (!(await isPortFree(port))) taken.push(port);
      return {
        service: name,
        ports,
        pid: undefined,
        health: taken.length > 0 ? 'port-taken' : 'stopped',
        startedBy: undefined,
        logFile,
        detail:
          taken.length > 0
            ? `port ${taken.join(',')} held by ${portHolder(taken[0]) ?? 'another process'}`
            : undefined,
      };
    }),
  );
}
