/**
 * The one entry of a function that both consumes an event source and runs timers: a scheduled event goes
 * to the timer of the mapping it names, any other event to the function's usual handler.
 */
import type { InvocationContext } from '../types';
import { SCHEDULED_DETAIL_FIELD } from './constants';
import { UnknownTimerError } from './errors';
import { isScheduledEvent } from './scheduledEvent';
import type { ScheduledEvent, TimerHandler } from './types';

export interface InvocationRoutes<E, R> {
  /** What every event that is not a scheduled event goes to (the Kafka batch path). */
  readonly events: (event: E, context?: InvocationContext) => Promise<R>;
  /** Timers by mapping name. */
  readonly timers: Readonly<Record<string, TimerHandler>>;
}

/**
 * A handler that dispatches scheduled events to the timer of the mapping named in `detail.mapping`, and
 * everything else to `routes.events`. A scheduled event naming no known timer fails the invocation.
 *
 * @example
 * ```ts
 * const route = routeInvocation({ events: kafkaHandler, timers: { thresholds: sweepSilentDevices } });
 * await route(mskEvent);       // kafkaHandler(mskEvent)
 * await route(scheduledEvent); // sweepSilentDevices(scheduledEvent) when detail.mapping is 'thresholds'
 * ```
 */
export function routeInvocation<E, R>(
  routes: InvocationRoutes<E, R>,
): (event: E | ScheduledEvent, context?: InvocationContext) => Promise<R | unknown> {
  return (event, context) => {
    if (!isScheduledEvent(event)) return routes.events(event as E, context);
    const mapping = event.detail?.[SCHEDULED_DETAIL_FIELD];
    const timer =
      typeof mapping === 'string'
        ? Object.hasOwn(routes.timers, mapping)
          ? routes.timers[mapping]
          : undefined
        : undefined;
    if (!timer) {
      return Promise.reject(
        new UnknownTimerError(typeof mapping === 'string' ? mapping : undefined, Object.keys(routes.timers)),
      );
    }
    return timer(event, context);
  };
}
