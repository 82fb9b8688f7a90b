/** Recognising an EventBridge Scheduled Event among the events a function receives. */
import { SCHEDULED_EVENT } from './constants';
import type { ScheduledEvent } from './types';

/**
 * True for an EventBridge Scheduled Event (`detail-type: 'Scheduled Event'`, `source: 'aws.events'`);
 * false for anything else, such as an MSK batch.
 *
 * @example
 * ```ts
 * isScheduledEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }); // true
 * isScheduledEvent({ eventSource: 'aws:kafka', records: {} }); // false
 * ```
 */
export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  if (typeof event !== 'object' || event === null) return false;
  const fields = event as Record<string, unknown>;
  return fields['detail-type'] === SCHEDULED_EVENT.detailType && fields.source === SCHEDULED_EVENT.source;
}
