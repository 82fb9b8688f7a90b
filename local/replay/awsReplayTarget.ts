/**
 * An AWS account as a replay target: functions listed with `ListFunctions` (their `DEAD_LETTER_QUEUE_URL`
 * names their dead-letter queue) and invoked synchronously with `Invoke` (the deployed handler code).
 */
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DEAD_LETTER_QUEUE_ENV } from './constants';
import type { InvokeResult, ReplayFunction, ReplayTarget } from './types';

/**
 * @example
 * ```ts
 * const target = new AwsReplayTarget(new LambdaClient({}));
 * const answer = await target.invoke('my-app-kafka-to-redis', event);
 * ```
 */
export class AwsReplayTarget implements ReplayTarget {
  readonly #lambda: LambdaClient;

  constructor(lambda: LambdaClient = new LambdaClient({})) {
    this.#lambda = lambda;
  }

  async functions(): Promise<readonly ReplayFunction[]> {
    const functions: ReplayFunction[] = [];
    let marker: string | undefined;
    do {
      const page = await this.#lambda.send(
        new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }),
      );
      for (const fn of page.Functions ?? []) {
        if (!fn.FunctionName || !fn.FunctionArn) continue;
        const queue = fn.Environment?.Variables?.[DEAD_LETTER_QUEUE_ENV];
        functions.push({
          name: fn.FunctionName,
          arn: fn.FunctionArn,
          ...(queue ? { deadLetterQueueUrl: queue } : {}),
        });
      }
      marker = page.NextMarker;
    } while (marker);
    return functions;
  }

  async invoke(functionName: string, event: unknown): Promise<InvokeResult> {
    const output = await this.#lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : 'null';
    if (output.FunctionError) return { ok: false, error: `${output.FunctionError}: ${text}` };
    return { ok: true, payload: JSON.parse(text) as unknown };
  }

  async close(): Promise<void> {
    this.#lambda.destroy();
  }
}
