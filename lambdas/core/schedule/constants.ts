/** Constants of scheduled invocations: what marks an EventBridge Scheduled Event, and what names its timer. */

/** The fields AWS sets on every event of a scheduled rule (`detail-type`, `source`). */
export const SCHEDULED_EVENT = {
  detailType: 'Scheduled Event',
  source: 'aws.events',
} as const;

/**
 * The field of a scheduled event's `detail` that names the mapping whose timer runs. The rule's target
 * input keeps the rest of the event as AWS sends it (docs/handlers.md, "Scheduled invocations").
 */
export const SCHEDULED_DETAIL_FIELD = 'mapping' as const;
