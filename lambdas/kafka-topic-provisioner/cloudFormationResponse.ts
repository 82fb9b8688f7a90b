/**
 * The answer to a CloudFormation custom resource request: a JSON document PUT to the pre-signed
 * `ResponseURL`. Without it the stack operation waits until the resource's service timeout.
 *
 * @example
 * ```ts
 * await sendCloudFormationResponse(event, { status: 'SUCCESS', physicalResourceId: 'orders.changes' });
 * ```
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { PROVISIONER_LIMITS } from './constants';

export interface CloudFormationOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
  readonly data?: Readonly<Record<string, string>>;
}

export async function sendCloudFormationResponse(
  event: CloudFormationCustomResourceEvent,
  outcome: CloudFormationOutcome,
  put: typeof fetch = fetch,
): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: (outcome.reason ?? outcome.status).slice(0, PROVISIONER_LIMITS.maxReasonChars),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(outcome.data ? { Data: outcome.data } : {}),
  });
  // The pre-signed URL is signed for an empty content type.
  const response = await put(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) {
    throw new Error(`CloudFormation response refused: HTTP ${response.status} ${await response.text()}`);
  }
}
