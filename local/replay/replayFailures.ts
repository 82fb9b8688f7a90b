/**
 * The replay loop: reads failure records (S3 objects, then dead letters), keeps those the filters select
 * (up to the limit), invokes each record's function with its event marked as a replay, and removes the
 * record only when the invocation reports nothing failed and nothing skipped that the sink could not tell
 * applied (no owed ledger); otherwise it stays, with the reasons reported.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { markReplay, type ReplayReport } from '../../lambdas/core/replayEvent';
import { DeadLetterSource } from './DeadLetterSource';
import { UnreplayableRecordError } from './errors';
import { FailureRecordSource } from './FailureRecordSource';
import type { FailureItem, InvokeResult, ReplayItemResult, ReplayOptions, ReplayTarget } from './types';

export interface ReplayClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

interface BatchAnswer {
  readonly batchItemFailures?: readonly { readonly itemIdentifier?: unknown }[];
  readonly replay?: ReplayReport;
}

/**
 * What an invocation's answer says about a replayed record: replayed, failed with reasons, or not
 * replayable (records skipped below a watermark without an owed ledger: applied or missed, nobody knows).
 */
export function judgeInvocation(
  item: Pick<FailureItem, 'source' | 'id' | 'functionName' | 'records'>,
  result: InvokeResult,
): ReplayItemResult {
  const base = { source: item.source, id: item.id, functionName: item.functionName, records: item.records };
  if (!result.ok) return { ...base, status: 'failed', reasons: [result.error] };
  const answer = (
    typeof result.payload === 'object' && result.payload !== null ? result.payload : {}
  ) as BatchAnswer;
  const reasons = (answer.replay?.failed ?? []).map(
    (f) => `${f.topic}-${f.partition}@${f.offset}: ${f.reason}`,
  );
  const itemFailures = answer.batchItemFailures ?? [];
  if (reasons.length === 0 && itemFailures.length > 0) {
    reasons.push(...itemFailures.map((f) => `batch item failure ${JSON.stringify(f.itemIdentifier)}`));
  }
  const counts = answer.replay ? { applied: answer.replay.applied, skipped: answer.replay.skipped } : {};
  if (reasons.length > 0 || itemFailures.length > 0) return { ...base, status: 'failed', reasons, ...counts };
  const notReplayable = answer.replay?.notReplayable ?? 0;
  if (notReplayable > 0) {
    return {
      ...base,
      status: 'not-replayable',
      reasons: [
        `${notReplayable} record(s) below a watermark that keeps no owed ledger: not replayable by this sink yet (it cannot tell applied from missed); the failure record is kept`,
      ],
      ...counts,
    };
  }
  return { ...base, status: 'replayed', ...counts };
}

function selected(item: FailureItem, options: ReplayOptions): boolean {
  const { functionFilter, mappingFilter } = options;
  if (functionFilter && !item.functionName.includes(functionFilter)) return false;
  if (mappingFilter && !item.mapping.includes(mappingFilter)) return false;
  return true;
}

/**
 * Replays what failed and reports each failure record's fate, in the order read.
 *
 * @example
 * ```ts
 * const results = await replayFailures(options, target, { s3, sqs }, (r) => console.log(r.status, r.id));
 * ```
 */
export async function replayFailures(
  options: ReplayOptions,
  target: ReplayTarget,
  clients: ReplayClients,
  report: (result: ReplayItemResult) => void = () => undefined,
): Promise<ReplayItemResult[]> {
  const results: ReplayItemResult[] = [];
  const functions = await target.functions();
  const sources: { kind: 's3' | 'dlq'; items: AsyncIterable<FailureItem | UnreplayableRecordError> }[] = [];
  if (options.source !== 'dlq') {
    for (const bucket of options.buckets)
      sources.push({ kind: 's3', items: new FailureRecordSource(clients.s3, bucket).items() });
  }
  if (options.source !== 's3') {
    const queues = new Map<string, string>();
    for (const fn of functions) if (fn.deadLetterQueueUrl) queues.set(fn.deadLetterQueueUrl, fn.name);
    for (const url of options.queues) {
      const owner = queues.get(url) ?? options.functionFilter;
      if (!owner) {
        throw new UnreplayableRecordError(
          url,
          'no function names this queue as its DEAD_LETTER_QUEUE_URL: give --function',
        );
      }
      queues.set(url, owner);
    }
    const chosen = options.queues.length > 0 ? options.queues : [...queues.keys()];
    for (const url of chosen) {
      sources.push({
        kind: 'dlq',
        items: new DeadLetterSource(clients.sqs, url, queues.get(url) as string, options).items(),
      });
    }
  }
  const known = new Set(functions.map((fn) => fn.name));
  const done = (result: ReplayItemResult) => {
    results.push(result);
    report(result);
  };
  for (const source of sources) {
    for await (const item of source.items) {
      if (options.limit !== undefined && results.length >= options.limit) break;
      if (item instanceof UnreplayableRecordError) {
        done({
          source: source.kind,
          id: item.id,
          functionName: '',
          records: 0,
          status: 'unreplayable',
          reasons: [item.message],
        });
        continue;
      }
      if (!selected(item, options)) {
        await item.release();
        continue;
      }
      const base = {
        source: item.source,
        id: item.id,
        functionName: item.functionName,
        records: item.records,
      };
      if (!known.has(item.functionName)) {
        await item.release();
        done({
          ...base,
          status: 'unreplayable',
          reasons: [`function ${item.functionName} is not deployed here`],
        });
        continue;
      }
      if (options.dryRun) {
        await item.release();
        done({ ...base, status: 'would-replay' });
        continue;
      }
      const answer = await target.invoke(
        item.functionName,
        markReplay(item.event, { source: item.source, id: item.id }),
      );
      const result = judgeInvocation(item, answer);
      if (result.status === 'replayed') await item.remove();
      else await item.release();
      done(result);
    }
    if (options.limit !== undefined && results.length >= options.limit) break;
  }
  return results;
}
