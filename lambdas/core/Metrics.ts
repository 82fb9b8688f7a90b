/**
 * CloudWatch metrics in the embedded metric format (EMF): metrics are gathered during an invocation and
 * written as one JSON log line by `flush()`, which CloudWatch turns into metrics without API calls.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * @example
 * ```ts
 * const metrics = new Metrics('ddb-stream-to-kafka');
 * metrics.add('RecordsIn', 'Count', 100);
 * metrics.flush();
 * ```
 */
import { HANDLER_METRICS } from './constants';

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes' | 'Seconds';

export class Metrics {
  readonly #service: string;
  readonly #namespace: string;
  readonly #values = new Map<string, { unit: MetricUnit; values: number[] }>();
  readonly #write: (line: string) => void;

  constructor(service: string, options: { namespace?: string; write?: (line: string) => void } = {}) {
    this.#service = service;
    this.#namespace = options.namespace ?? process.env.METRICS_NAMESPACE ?? HANDLER_METRICS.namespace;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  add(name: string, unit: MetricUnit, value: number): void {
    const entry = this.#values.get(name) ?? { unit, values: [] };
    entry.values.push(value);
    this.#values.set(name, entry);
  }

  /** Writes the gathered metrics as one EMF line and starts over. Writes nothing when there are none. */
  flush(): void {
    if (this.#values.size === 0) return;
    const line: Record<string, unknown> = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [['Service']],
            Metrics: [...this.#values].map(([name, { unit }]) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      Service: this.#service,
    };
    for (const [name, { values }] of this.#values) line[name] = values.length === 1 ? values[0] : values;
    this.#values.clear();
    this.#write(JSON.stringify(line));
  }
}
