/**
 * `sessions` mode (clickstream): each user's page views folded into sessions by an inactivity gap and
 * into funnel progress; a session is written when it closes (its gap passed, seen on a later event or by
 * the schedule, {@link closeDueSessions}), with the day's counters, in one transaction per chunk of users.
 * A per-partition watermark on the user's state item makes a redelivered batch change nothing. How and
 * why: docs/sinks/dynamodb.md, "Sessions and funnels".
 */
import { readField, toEpochMillis } from '../../../config/keyTemplate';
import type { SessionsMapping } from '../../../config/types';
import type { PoisonFinding } from '../../core/sink/errors';
import { POISON_KINDS, PoisonRecordError } from '../../core/sink/errors';
import type { SinkEvent } from '../../core/sink/sinkEvent';
import { watermarkAttribute } from '../AggregateWriter';
import { planEvents } from '../planEvents';
import type { SdkItem } from '../sdkItems';
import type { MappingBatch, MappingResult, MappingWriter, WriterOptions } from '../types';
import type { UserPlan } from './commitUserPlans';
import { commitUserPlans } from './commitUserPlans';
import { readStates } from './readStates';
import type { SessionTableLayout } from './sessionItems';
import { readTimeline, sessionPut, sessionTableLayout, statePut } from './sessionItems';
import { EMPTY_TIMELINE, foldPageViews, nextCloseDue } from './sessionTimeline';
import type { PageView, TimelineRules } from './types';

interface UserView extends PageView {
  readonly event: SinkEvent;
}

interface EventPlan extends UserPlan {
  readonly poison: readonly PoisonFinding[];
  readonly duplicates: readonly number[];
  /** Offsets this plan applies (for the partition's failure offset). */
  readonly offsets: readonly number[];
  readonly closed: number;
}

/** The time rules of a mapping in milliseconds. */
export function timelineRules(mapping: SessionsMapping): TimelineRules {
  return {
    gapMs: mapping.gapSeconds * 1000,
    latenessMs: mapping.latenessSeconds * 1000,
    ...(mapping.funnel ? { funnelWindowMs: mapping.funnel.windowSeconds * 1000 } : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Applies a `sessions` mapping's events to its table.
 *
 * @example
 * ```ts
 * const writer = new SessionWriter({ mapping, table });
 * await writer.apply(batch); // 1 000 page views of 80 users → 80 state items in one or two transactions
 * ```
 */
export class SessionWriter implements MappingWriter {
  readonly #mapping: SessionsMapping;
  readonly #layout: SessionTableLayout;
  readonly #rules: TimelineRules;
  readonly #clock: () => number;

  constructor({ mapping, table, clock }: WriterOptions<SessionsMapping> & { readonly clock?: () => number }) {
    this.#mapping = mapping;
    this.#layout = sessionTableLayout(mapping, table);
    this.#rules = timelineRules(mapping);
    this.#clock = clock ?? Date.now;
  }

  async apply(batch: MappingBatch): Promise<MappingResult> {
    const users = new Map<string, UserView[]>();
    const poison = planEvents(batch.events, (event) => {
      if (event.op === 'd') return;
      const view = this.#view(event);
      const list = users.get(view.user) ?? [];
      list.push(view);
      users.set(view.user, list);
    });
    const names = [...users.keys()];
    const watermark = watermarkAttribute(this.#mapping.name, batch.topic, batch.partition);
    const planUsers = async (which: readonly string[]): Promise<EventPlan[]> => {
      const stored = await readStates(which, this.#layout, this.#mapping.name, batch.requests);
      return which.map((user) => this.#plan(user, users.get(user) ?? [], stored.get(user), watermark, batch));
    };
    let plans: EventPlan[];
    try {
      plans = await planUsers(names);
    } catch (error) {
      const first = batch.events[0];
      return { poison, duplicates: [], failedAt: first?.record.offset, failure: error };
    }
    const settled = plans.filter((p) => p.writes.length === 0);
    const outcome = await commitUserPlans(
      plans.filter((p) => p.writes.length > 0),
      {
        layout: this.#layout,
        mapping: this.#mapping,
        requests: batch.requests,
        replan: async (which) => (await planUsers(which)).filter((p) => p.writes.length > 0),
      },
    );
    const done = [...settled, ...outcome.committed];
    const findings = [...poison, ...done.flatMap((p) => p.poison)];
    const duplicates = done.flatMap((p) => p.duplicates);
    let failedAt: number | undefined;
    let failure: unknown;
    for (const chunk of outcome.failed) {
      if (chunk.refused) {
        const reason = `DynamoDB refused the session writes: ${(chunk.error as Error).message}`;
        for (const plan of chunk.plans) {
          for (const view of users.get(plan.user) ?? []) {
            if (plan.offsets.includes(view.event.record.offset)) {
              findings.push({
                record: view.event.record,
                error: new PoisonRecordError(POISON_KINDS.schema, reason),
              });
            }
          }
        }
        continue;
      }
      const lowest = Math.min(...chunk.plans.flatMap((p) => p.offsets));
      if (failedAt === undefined || lowest < failedAt) {
        failedAt = lowest;
        failure = chunk.error;
      }
    }
    return {
      poison: findings,
      duplicates,
      sessionsClosed: outcome.committed.reduce((sum, p) => sum + p.closed, 0),
      lateEvents: done.reduce((sum, p) => sum + p.poison.length, 0),
      ...(failedAt === undefined ? {} : { failedAt, failure }),
    };
  }

  #view(event: SinkEvent): PageView & { readonly user: string; readonly event: SinkEvent } {
    const { userField, timestampField, funnel } = this.#mapping;
    const rawUser = readField(event.fields, userField);
    if (typeof rawUser !== 'string' && typeof rawUser !== 'number') {
      throw new PoisonRecordError(
        rawUser === undefined || rawUser === null ? POISON_KINDS.missingField : POISON_KINDS.wrongType,
        `user field "${userField}" must be a string or number (got ${JSON.stringify(rawUser)})`,
      );
    }
    const rawTime = readField(event.fields, timestampField);
    const ts = toEpochMillis(rawTime);
    if (ts === undefined) {
      throw new PoisonRecordError(
        rawTime === undefined || rawTime === null ? POISON_KINDS.missingField : POISON_KINDS.wrongType,
        `timestamp field "${timestampField}" is not a time (got ${JSON.stringify(rawTime)})`,
      );
    }
    const stepValue = funnel ? readField(event.fields, funnel.stepField) : undefined;
    const step = funnel && stepValue !== undefined ? funnel.steps.indexOf(String(stepValue)) : -1;
    return { user: String(rawUser), ts, event, ...(step >= 0 ? { step } : {}) };
  }

  #plan(
    user: string,
    views: readonly UserView[],
    stored: SdkItem | undefined,
    watermark: string,
    batch: MappingBatch,
  ): EventPlan {
    const applied = Number(stored?.[watermark]?.N ?? -1);
    const fresh = views.filter((v) => v.event.record.offset > applied);
    const duplicates = views
      .filter((v) => v.event.record.offset <= applied)
      .map((v) => v.event.record.offset);
    const offsets = fresh.map((v) => v.event.record.offset);
    if (fresh.length === 0)
      return { user, writes: [], counts: new Map(), poison: [], duplicates, offsets, closed: 0 };
    const stepCount = this.#mapping.funnel?.steps.length ?? 0;
    const folded = foldPageViews(readTimeline(stored) ?? EMPTY_TIMELINE, fresh, this.#rules, stepCount);
    const poison = folded.late.map(({ index, closedThrough }): PoisonFinding => {
      const view = fresh[index] as UserView;
      return {
        record: view.event.record,
        error: new PoisonRecordError(
          POISON_KINDS.late,
          `event time ${iso(view.ts)} is before ${iso(closedThrough)}: user "${user}"'s sessions are closed through there (lateness ${this.#mapping.latenessSeconds}s)`,
        ),
      };
    });
    const processedAt = this.#clock();
    const dueAt = nextCloseDue(folded.timeline, processedAt, this.#rules);
    const writes = [
      statePut({
        layout: this.#layout,
        mapping: this.#mapping.name,
        user,
        timeline: folded.timeline,
        stored,
        processedAt,
        dueAt,
        watermark: { attribute: watermark, offset: batch.lastOffset },
        ...(this.#mapping.retentionDays === undefined ? {} : { retentionDays: this.#mapping.retentionDays }),
      }),
      ...folded.closed.map((session) => sessionPut(this.#layout, this.#mapping, user, session)),
    ];
    return { user, writes, counts: folded.counts, poison, duplicates, offsets, closed: folded.closed.length };
  }
}
