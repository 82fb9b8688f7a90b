/** Types of the per-resource-type deployers and of the registry that maps CloudFormation types to them. */
import type { LocalClients } from '../LocalClients';
import type { ResourceValues } from '../TemplateResolver';
import type {
  AssemblyStack,
  CfnResource,
  DeployAction,
  ReportEntry,
  ResourceKind,
  ServerResourceKind,
} from '../types';
import type { DeployContext } from './DeployContext';

/** One template resource as its deployer sees it. */
export interface ResourceSite {
  readonly stackName: string;
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** Functions of this stack that exist only to serve custom resources (they run inside CloudFormation). */
  readonly customResourceFunctions: ReadonlySet<string>;
  /** The properties with every intrinsic resolved against what is deployed so far. */
  properties(): Readonly<Record<string, unknown>>;
  /** One property resolved; undefined when absent or not resolvable. */
  property(name: string): unknown;
}

/** A resource that is not deployed locally: why, and what its `Ref` / `Fn::GetAtt` give instead. */
export interface SkippedPlan {
  readonly skipped: string;
  readonly values: ResourceValues;
}

/** A resource to deploy: its local name (for the report and error messages) and the step that deploys it. */
export interface ResourcePlan {
  readonly name: string;
  /** Creates or updates the resource on its server or in the local model; a failure names the resource. */
  apply(): Promise<AppliedResource>;
}

/** A report line about a resource, without the stack and logical id the run adds. */
export type ReportLine = Pick<ReportEntry, 'type' | 'kind' | 'name' | 'action' | 'detail'>;

export interface AppliedResource {
  readonly action: DeployAction;
  readonly detail: string;
  /** What `Ref` and `Fn::GetAtt` of the resource give. */
  readonly values: ResourceValues;
  /** Report lines about the same resource that follow its own (a table's Kinesis streaming destination). */
  readonly notes?: readonly ReportLine[];
}

/** What a deployed resource looks like on its server, for `status`. */
export interface ServerLookup {
  readonly exists: boolean;
  readonly detail: string;
}

/** How a resource that lives on a local server is looked up and deleted, by name. */
export interface ServerOperations {
  /** The kind the state file records. */
  readonly kind: ServerResourceKind;
  /** The CloudFormation type named in report lines about a resource that left the template. */
  readonly type: string;
  describe(clients: LocalClients, name: string): Promise<ServerLookup>;
  /** Deletes the resource; false when it was already gone. */
  remove(clients: LocalClients, name: string): Promise<boolean>;
}

/**
 * Deploys one kind of CloudFormation resource. `plan` reads the template (template errors surface
 * there); the run applies the plan, reports it and records it, the same way for every type.
 */
export interface ResourceDeployer {
  /** What the report calls the resource. */
  readonly kind: ResourceKind;
  plan(site: ResourceSite, context: DeployContext): ResourcePlan | SkippedPlan;
  /** Present when the resource lives on a server: `status`, `destroy` and removal on redeploy use it. */
  readonly server?: ServerOperations;
}

/** CloudFormation type → its deployer; types without one are skipped with a reason. */
export type DeployerRegistry = ReadonlyMap<string, ResourceDeployer>;
