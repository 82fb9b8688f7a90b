/**
 * The timers of a DynamoDB sink's `sessions` mappings, by mapping name, for the handler's invocation
 * router: each closes its mapping's due sessions ({@link closeDueSessions}) when its schedule fires.
 */
import type { DynamoSinkConfig } from '../../../config/types';
import type { Logger } from '../../core/Logger';
import type { Metrics } from '../../core/Metrics';
import type { TimerHandler } from '../../core/schedule/types';
import { SINK_LOOP } from '../../core/sink/constants';
import type { DynamoSend } from '../DynamoRequests';
import { DynamoRequests } from '../DynamoRequests';
import { closeDueSessions } from './closeDueSessions';
import { SESSION_METRICS } from './constants';

/**
 * One timer per `sessions` mapping. Users whose writes failed stay due and are tried on the next run.
 *
 * @example
 * ```ts
 * const route = routeInvocation({ events: handle, timers: sessionTimers({ config, client }) });
 * ```
 */
export function sessionTimers(options: {
  readonly config: DynamoSinkConfig;
  readonly client: DynamoSend;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly clock?: () => number;
}): Record<string, TimerHandler> {
  const { config, client, logger, metrics } = options;
  const clock = options.clock ?? Date.now;
  const timers: Record<string, TimerHandler> = {};
  for (const mapping of config.mappings) {
    if (mapping.mode !== 'sessions') continue;
    timers[mapping.name] = async (_event, context) => {
      const remainingMs = () => context?.getRemainingTimeInMillis?.() ?? SINK_LOOP.withoutContextMs;
      const [result] = await closeDueSessions(
        config,
        new DynamoRequests(client, remainingMs),
        clock(),
        mapping.name,
      );
      metrics?.add(SESSION_METRICS.closedOnSchedule, 'Count', result?.closed ?? 0);
      metrics?.flush();
      logger?.info('sessions closed on schedule', { ...result });
      return result;
    };
  }
  return timers;
}
