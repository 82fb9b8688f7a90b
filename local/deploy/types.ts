/**
 * Types of the local deployer: the parts of a CloudFormation template and cloud assembly it reads, the
 * endpoints it deploys to, the report it prints and the state file it keeps.
 */
import type { LocalDeployment } from '../runtime/types';
import type { DEPLOY_ACTIONS, RESOURCE_KINDS } from './constants';

/** A CloudFormation value before intrinsic resolution: JSON with `Ref` / `Fn::*` objects anywhere. */
export type CfnValue = unknown;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, CfnValue>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

export interface CfnOutput {
  readonly Value: CfnValue;
  readonly Export?: { readonly Name: CfnValue };
  readonly Condition?: string;
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
  readonly Conditions?: Readonly<Record<string, CfnValue>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
}

/** One stack of a cloud assembly, with what is needed to deploy it locally. */
export interface AssemblyStack {
  readonly stackName: string;
  /** Artifact id, used for dependency ordering. */
  readonly artifactId: string;
  readonly template: CfnTemplate;
  /** Stack artifact ids this one depends on (asset manifests excluded). */
  readonly dependencies: readonly string[];
  /** S3 object key of a file asset (`<hash>.zip`) → absolute path of its source in the assembly. */
  readonly assets: ReadonlyMap<string, AssetSource>;
}

export interface AssetSource {
  readonly path: string;
  /** `zip` for a directory zipped on publish, `file` for a file uploaded as is. */
  readonly packaging: string;
}

export interface CloudAssembly {
  readonly directory: string;
  /** In deployment order: every stack after the stacks it depends on. */
  readonly stacks: readonly AssemblyStack[];
}

/**
 * Where the servers are, and the dummy identity every local AWS stand-in accepts. The AWS endpoints and keys
 * are undefined on the `aws` target: the SDK's real endpoints and default credential chain apply.
 */
export interface LocalEndpoints {
  readonly kafkaBrokers: string;
  readonly redisUrl: string;
  readonly dynamodb: string | undefined;
  readonly dynamodbStreams: string | undefined;
  readonly sqs: string | undefined;
  /** SNS (threshold alerts with `alertSns`); moto's on the local targets. */
  readonly sns: string | undefined;
  /** S3 (moto's: path-style addressing). */
  readonly s3: string | undefined;
  readonly kinesis: string | undefined;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
}

export type ResourceKind = (typeof RESOURCE_KINDS)[keyof typeof RESOURCE_KINDS];

export type DeployAction = (typeof DEPLOY_ACTIONS)[keyof typeof DEPLOY_ACTIONS];

/** One line of the deploy report. */
export interface ReportEntry {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ResourceKind;
  /** Local name (table, stream, topic, queue, function); the logical id when there is none. */
  readonly name: string;
  readonly action: DeployAction;
  /** What was created or changed, why a resource was skipped, or what cannot change in place. */
  readonly detail: string;
}

export interface DeployResult {
  readonly deployment: LocalDeployment;
  readonly report: readonly ReportEntry[];
  readonly stateFile: string;
}

/** What `.streambridge/deployment.json` holds: the last deployment, for `status`, `run` and `destroy`. */
export interface DeploymentState {
  readonly version: 1;
  readonly deployedAt: string;
  readonly assemblyDir: string;
  readonly endpoints: LocalEndpoints;
  readonly deployment: LocalDeployment;
  /** Every resource made on a server, with its stack, for `status`, `destroy` and removal on redeploy. */
  readonly resources: readonly DeployedResource[];
}

/** A resource that exists on a local server because of the deployment. */
export interface DeployedResource {
  readonly kind: ServerResourceKind;
  readonly stackName: string;
  readonly logicalId: string;
  /** Table, stream, topic, queue or bucket name. */
  readonly name: string;
  /** DeletionPolicy Retain: kept on the server when it leaves the template (as CloudFormation does). */
  readonly retain: boolean;
}

/** The kinds of resource that live on a server (functions and mappings live only in the state file). */
export type ServerResourceKind = 'table' | 'kinesis-stream' | 'topic' | 'queue' | 'bucket';

/** A resource of the deployment as seen on the servers, for `status`. */
export interface ResourceStatus {
  readonly kind: ResourceKind;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly exists: boolean;
  readonly detail: string;
}
