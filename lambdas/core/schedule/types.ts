/** Types of scheduled invocations: the EventBridge Scheduled Event and the timers it dispatches to. */
import type { InvocationContext } from '../types';

/**
 * An EventBridge Scheduled Event as a scheduled rule delivers it to a function, with `detail` naming the
 * mapping (streambridge's rules set it through their target input; AWS's own `detail` is `{}`).
 */
export interface ScheduledEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
  readonly account: string;
  /** The time the rule fired for, ISO 8601 to the second (`2026-12-04T21:15:00Z`). */
  readonly time: string;
  readonly region: string;
  /** The rule's ARN. */
  readonly resources: readonly string[];
  readonly detail: { readonly mapping?: string; readonly [field: string]: unknown };
}

/** What one mapping does when its schedule fires (a sweep for silent devices, closing idle sessions). */
export type TimerHandler = (event: ScheduledEvent, context?: InvocationContext) => Promise<unknown>;
