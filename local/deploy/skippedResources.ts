/**
 * Resources with no local counterpart: why each is skipped, and the values their `Ref` / `Fn::GetAtt` give
 * so that references to them still resolve (the MSK cluster to a cluster ARN the local broker stands for,
 * ElastiCache endpoints to the local redis-server, aliases to their function).
 */
import { CFN_TYPES, SKIP_REASONS } from './constants';
import type { ResourceValues } from './TemplateResolver';
import type { LocalEndpoints } from './types';

/**
 * Why a resource type is not deployed locally.
 *
 * @example
 * ```ts
 * skipReason('AWS::EC2::Subnet'); // 'networking has no local meaning: every server listens on 127.0.0.1'
 * ```
 */
export function skipReason(type: string): string {
  const exact = SKIP_REASONS[type];
  if (exact) return exact;
  const prefix = Object.keys(SKIP_REASONS)
    .filter((key) => key.endsWith('::') && type.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? SKIP_REASONS[prefix] : `no local stand-in for ${type}`;
}

export interface PlaceholderSite {
  readonly type: string;
  readonly logicalId: string;
  readonly region: string;
  readonly accountId: string;
  readonly endpoints: LocalEndpoints;
  /** Resolves one property of the resource; undefined when absent or not resolvable. */
  readonly property: (name: string) => unknown;
}

/** Host and port of the local redis-server, as ElastiCache endpoint attributes give them. */
function redisEndpoint(endpoints: LocalEndpoints): { host: string; port: string } {
  const url = new URL(endpoints.redisUrl);
  return { host: url.hostname, port: url.port || '6379' };
}

const CACHE_ENDPOINTS = [
  'PrimaryEndPoint',
  'ReaderEndPoint',
  'ConfigurationEndPoint',
  'RedisEndpoint',
  'ConfigurationEndpoint',
  'Endpoint',
  'ReaderEndpoint',
];

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** ARN of a function from a `FunctionName` value (name or ARN), without any qualifier. */
function functionArn(site: PlaceholderSite, reference: string): string {
  if (reference.startsWith('arn:')) return reference.split(':').slice(0, 7).join(':');
  return `arn:aws:lambda:${site.region}:${site.accountId}:function:${reference}`;
}

/**
 * `Ref` and `Fn::GetAtt` values of a skipped resource.
 *
 * @example
 * ```ts
 * placeholderValues({ type: 'AWS::MSK::Cluster', logicalId: 'Cluster', … }).ref;
 * // 'arn:aws:kafka:us-east-1:123456789012:cluster/<ClusterName>/local'
 * ```
 */
export function placeholderValues(site: PlaceholderSite): ResourceValues {
  const { type, logicalId, region, accountId } = site;
  const base = { type, placeholderAttributes: true };
  if (type === CFN_TYPES.mskCluster || type === CFN_TYPES.mskServerlessCluster) {
    const arn = `arn:aws:kafka:${region}:${accountId}:cluster/${text(site.property('ClusterName'), logicalId)}/local`;
    return { ...base, ref: arn, attributes: { Arn: arn } };
  }
  if (type.startsWith('AWS::ElastiCache::')) {
    const { host, port } = redisEndpoint(site.endpoints);
    const attributes: Record<string, string> = {};
    for (const endpoint of CACHE_ENDPOINTS) {
      attributes[`${endpoint}.Address`] = host;
      attributes[`${endpoint}.Port`] = port;
    }
    attributes['ReadEndPoint.Addresses'] = host;
    attributes['ReadEndPoint.Ports'] = port;
    return { ...base, ref: text(site.property('ReplicationGroupId'), logicalId), attributes };
  }
  if (type === CFN_TYPES.alias || type === CFN_TYPES.version) {
    const fn = functionArn(site, text(site.property('FunctionName'), logicalId));
    const qualifier = type === CFN_TYPES.alias ? text(site.property('Name'), logicalId) : '1';
    const arn = `${fn}:${qualifier}`;
    return { ...base, ref: arn, attributes: { Arn: arn, Version: qualifier, FunctionArn: fn } };
  }
  if (type === CFN_TYPES.kinesisConsumer) {
    const streamArn = text(site.property('StreamARN'), `${logicalId}.StreamARN`);
    const consumerName = text(site.property('ConsumerName'), logicalId);
    const arn = `${streamArn}/consumer/${consumerName}:0`;
    return {
      ...base,
      ref: arn,
      attributes: {
        ConsumerARN: arn,
        StreamARN: streamArn,
        ConsumerName: consumerName,
        ConsumerStatus: 'ACTIVE',
      },
    };
  }
  const service = type.split('::')[1]?.toLowerCase() ?? 'local';
  const arn = `arn:aws:${service}:${region}:${accountId}:${logicalId}-local`;
  return { ...base, ref: arn, attributes: { Arn: arn } };
}
