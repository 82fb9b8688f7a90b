import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CacheClusterConfig } from '../config/types';
import { CACHE_DEFAULTS, CACHE_PORT } from './constants';
import {
  cacheClusterDefaults,
  engineMajorVersion,
  type ResolvedCacheClusterConfig,
} from './defaults/cacheDefaults';
import { deploymentUniqueName } from './deploymentUniqueName';
import { aclKeyRule } from './redisSinkKeyPrefixes';
import type { CacheAccess } from './types';

export interface CacheClusterProps {
  /**
   * Prefix of the cache's physical names (user ids, user group, serverless cache name), each ending in a
   * tag of the stack id so a retained cache or user of an earlier deployment never collides.
   */
  readonly namePrefix: string;
  readonly config?: CacheClusterConfig;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The only security group admitted on the cache port (the Redis sink's). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /**
   * The only keys the application user (RBAC) may touch: those starting with one of these (see
   * `redisSinkKeyPrefixes`). Default: every key.
   */
  readonly keyPrefixes?: readonly string[];
}

export interface CacheEndpoint {
  readonly address: string;
  readonly port: string;
}

/**
 * A Valkey/Redis cache for the Redis sink: a replication group with replicas and automatic failover across
 * AZs (or ElastiCache Serverless), TLS required in transit, encrypted at rest, and authenticated: an RBAC
 * user group whose application user's password is generated in Secrets Manager (or an AUTH token from
 * Secrets Manager). Only the client security group reaches the port.
 *
 * @example
 * ```ts
 * const cache = new CacheCluster(this, 'Cache', { namePrefix: 'shop', vpc, vpcSubnets, clientSecurityGroup });
 * cache.endpoint.address; // primary, configuration or serverless endpoint
 * cache.readerEndpoint?.address; // read replicas, for read traffic
 * ```
 */
export class CacheCluster extends Construct {
  readonly config: ResolvedCacheClusterConfig;
  readonly securityGroup: ec2.SecurityGroup;
  /** `{ "username", "password" }` of the application user (RBAC), or `{ "password" }` (AUTH token). */
  readonly secret: secretsmanager.Secret;
  /** Where clients connect: primary endpoint, configuration endpoint (cluster mode) or serverless endpoint. */
  readonly endpoint: CacheEndpoint;
  /** Read-replica endpoint, when the cache has one (replication group without cluster mode, serverless). */
  readonly readerEndpoint?: CacheEndpoint;
  readonly replicationGroup?: elasticache.CfnReplicationGroup;
  readonly serverlessCache?: elasticache.CfnServerlessCache;
  readonly userGroup?: elasticache.CfnUserGroup;
  /**
   * Node ids (CloudWatch `CacheClusterId`) of a replication group, for per-node alarms; the serverless
   * cache's name otherwise (CloudWatch `clusterId`).
   */
  readonly metricIds: readonly string[];

  constructor(scope: Construct, id: string, props: CacheClusterProps) {
    super(scope, id);
    this.config = cacheClusterDefaults(props.config);
    const { config } = this;
    const subnetIds = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Cache: TLS port ${CACHE_PORT} from the Redis sink only`,
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(
      props.clientSecurityGroup,
      ec2.Port.tcp(CACHE_PORT),
      'Valkey/Redis from the Redis sink',
    );

    const userName = 'streambridge';
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Credentials of the ${config.engine} cache ${props.namePrefix}`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(config.auth === 'rbac' ? { username: userName } : {}),
        generateStringKey: 'password',
        // ElastiCache passwords refuse some punctuation (@ " / and spaces); letters and digits are enough at 32.
        excludePunctuation: true,
        passwordLength: 32,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'ElastiCache reads this password at deploy time; rotating it means updating the user (or token) and restarting the sink, a documented operator step.',
    });
    const password = this.secret.secretValueFromJson('password').unsafeUnwrap();

    if (config.auth === 'rbac') {
      // Every user group needs a user named "default"; it is switched off so only the application user works.
      const defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
        engine: config.engine,
        userId: deploymentUniqueName(this, props.namePrefix, 'cache-default', 40),
        userName: 'default',
        accessString: 'off -@all',
        noPasswordRequired: true,
      });
      const appUser = new elasticache.CfnUser(this, 'AppUser', {
        engine: config.engine,
        userId: deploymentUniqueName(this, props.namePrefix, 'cache-app', 40),
        userName,
        // The sink's keys only; all data commands and scripting; no admin commands except INFO and CLUSTER
        // (client readiness and slot discovery).
        accessString: [
          'on',
          ...(props.keyPrefixes ? props.keyPrefixes.map(aclKeyRule) : ['~*']),
          '+@all -@dangerous +info +cluster',
        ].join(' '),
        authenticationMode: { Type: 'password', Passwords: [password] },
      });
      this.userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
        engine: config.engine,
        userGroupId: deploymentUniqueName(this, props.namePrefix, 'cache-users', 40),
        // Ref of a user is its id; referencing it orders the creation.
        userIds: [defaultUser.ref, appUser.ref],
      });
    }

    if (config.type === 'serverless') {
      const cacheName = deploymentUniqueName(this, props.namePrefix, 'cache', 40);
      this.serverlessCache = new elasticache.CfnServerlessCache(this, 'Serverless', {
        serverlessCacheName: cacheName,
        engine: config.engine,
        majorEngineVersion: engineMajorVersion(config.engineVersion),
        securityGroupIds: [this.securityGroup.securityGroupId],
        subnetIds,
        userGroupId: this.userGroup?.ref,
        snapshotRetentionLimit: CACHE_DEFAULTS.snapshotRetentionDays,
      });
      this.serverlessCache.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.endpoint = {
        address: this.serverlessCache.attrEndpointAddress,
        port: this.serverlessCache.attrEndpointPort,
      };
      this.readerEndpoint = {
        address: this.serverlessCache.attrReaderEndpointAddress,
        port: this.serverlessCache.attrReaderEndpointPort,
      };
      // Ref of a serverless cache is its name.
      this.metricIds = [this.serverlessCache.ref];
      return;
    }

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of the ${props.namePrefix} cache`,
      subnetIds,
    });
    const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `${props.namePrefix} Redis sink cache`,
      engine: config.engine,
      engineVersion: config.engineVersion,
      cacheNodeType: config.nodeType,
      port: CACHE_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: CACHE_DEFAULTS.snapshotRetentionDays,
      ...(config.clusterMode
        ? {
            numNodeGroups: config.shards,
            replicasPerNodeGroup: config.replicas,
            cacheParameterGroupName: `default.${config.engine}${engineMajorVersion(config.engineVersion)}.cluster.on`,
          }
        : { numCacheClusters: 1 + config.replicas }),
      ...(this.userGroup ? { userGroupIds: [this.userGroup.ref] } : { authToken: password }),
    });
    if (this.userGroup) {
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-AEC6',
        reason:
          'Clients authenticate as an RBAC user of the attached user group (UserGroupIds), which replaces the AUTH token this rule looks for.',
      });
    }
    group.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.replicationGroup = group;
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        'The port is reachable only from the Redis sink security group and needs TLS and authentication; a non-default port would add no protection.',
    });

    if (config.clusterMode) {
      this.endpoint = {
        address: group.attrConfigurationEndPointAddress,
        port: group.attrConfigurationEndPointPort,
      };
      this.metricIds = Array.from({ length: config.shards }, (_, shard) =>
        Array.from(
          { length: 1 + config.replicas },
          (_, node) =>
            `${group.ref}-${String(shard + 1).padStart(4, '0')}-${String(node + 1).padStart(3, '0')}`,
        ),
      ).flat();
    } else {
      this.endpoint = { address: group.attrPrimaryEndPointAddress, port: group.attrPrimaryEndPointPort };
      this.readerEndpoint = { address: group.attrReaderEndPointAddress, port: group.attrReaderEndPointPort };
      this.metricIds = Array.from(
        { length: 1 + config.replicas },
        (_, node) => `${group.ref}-${String(node + 1).padStart(3, '0')}`,
      );
    }
  }

  /** What the Redis sink needs to connect. */
  get access(): CacheAccess {
    return {
      host: this.endpoint.address,
      port: this.endpoint.port,
      secret: this.secret,
      clusterMode: this.config.clusterMode,
    };
  }
}
