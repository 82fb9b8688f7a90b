/**
 * What a scheduled rule's target receives: the Scheduled Event EventBridge builds for each firing, or,
 * when the target sets one, its `Input` (constant JSON), `InputPath` (a part of the event) or
 * `InputTransformer` (values read from the event by path, put into a template, with EventBridge's
 * predefined `aws.events.*` variables).
 */
import { randomUUID } from 'node:crypto';
import type { LocalScheduleRule, LocalScheduleTarget } from '../types';

export interface ScheduledEventFields {
  readonly rule: Pick<LocalScheduleRule, 'ruleArn'>;
  /** The time the rule fires for, epoch ms. */
  readonly time: number;
  readonly region: string;
  readonly accountId: string;
  /** Default: a new UUID, as each event of EventBridge has. */
  readonly id?: string;
}

/** ISO 8601 to the second, as EventBridge writes `time`. */
function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The event of one firing of a scheduled rule, shaped as EventBridge sends it.
 *
 * @example
 * ```ts
 * scheduledEvent({ rule, time: Date.parse('2026-12-04T21:15:00Z'), region: 'us-east-1', accountId: '123456789012' });
 * // { version: '0', id: '…', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012',
 * //   time: '2026-12-04T21:15:00Z', region: 'us-east-1', resources: [rule.ruleArn], detail: {} }
 * ```
 */
export function scheduledEvent(fields: ScheduledEventFields): Record<string, unknown> {
  return {
    version: '0',
    id: fields.id ?? randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: fields.accountId,
    time: eventTime(fields.time),
    region: fields.region,
    resources: [fields.rule.ruleArn],
    detail: {},
  };
}

/** The value at a JSON path of the form `$`, `$.a.b`, `$.a[0]`; undefined when absent. */
export function valueAtPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  const steps = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map(
    (step) => step[1] ?? Number(step[2]),
  );
  let current: unknown = value;
  for (const step of steps) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function transform(
  rule: Pick<LocalScheduleRule, 'ruleArn' | 'ruleName'>,
  target: LocalScheduleTarget,
  event: Record<string, unknown>,
): unknown {
  const transformer = target.inputTransformer;
  if (!transformer) return event;
  const values = new Map<string, unknown>([
    ['aws.events.rule-arn', rule.ruleArn],
    ['aws.events.rule-name', rule.ruleName],
    ['aws.events.event.ingestion-time', event.time],
    ['aws.events.event.json', event],
  ]);
  for (const [name, path] of Object.entries(transformer.inputPathsMap))
    values.set(name, valueAtPath(event, path));
  // Inside a JSON string a variable gives its text; outside, its JSON value (null when the path is absent).
  let output = '';
  let inString = false;
  const template = transformer.inputTemplate;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === '\\' && inString) {
      output += char + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    const variable = char === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (variable && values.has(variable[1])) {
      const value = values.get(variable[1]);
      if (inString) {
        const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
        output += JSON.stringify(text).slice(1, -1);
      } else {
        output += JSON.stringify(value ?? null);
      }
      i += variable[0].length - 1;
      continue;
    }
    output += char;
  }
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}

/**
 * What `target` receives for `event`, as EventBridge applies the target's input settings.
 *
 * @example
 * ```ts
 * targetInput(rule, { id: 'T', functionLogicalId: 'Fn', input: '{"a":1}' }, event); // { a: 1 }
 * ```
 */
export function targetInput(
  rule: Pick<LocalScheduleRule, 'ruleArn' | 'ruleName'>,
  target: LocalScheduleTarget,
  event: Record<string, unknown>,
): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath !== undefined) return valueAtPath(event, target.inputPath) ?? null;
  return transform(rule, target, event);
}
