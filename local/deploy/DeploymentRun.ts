import type { LocalDeployment, SkippedResource } from '../runtime/types';
import { CFN_TYPES, DEPLOY_ACTIONS, LOCAL_ACCOUNT_ID, RESOURCE_KINDS } from './constants';
import { customResourceFunctions } from './customResourceFunctions';
import { DeployContext } from './deployers/DeployContext';
import { deployerFor, RESOURCE_DEPLOYERS, serverOperations } from './deployers/resourceDeployers';
import type { DeployerRegistry, ReportLine, ResourceDeployer, ResourceSite } from './deployers/types';
import { ExistingResourcesMissingError, LocalDeployError, ResourceDeployError } from './errors';
import { checkExistingResources } from './existing/checkExistingResources';
import type { ExistingDeclarations } from './existing/types';
import type { LocalClients } from './LocalClients';
import { orderResources } from './orderResources';
import { type ResourceValues, TemplateResolver } from './TemplateResolver';
import type { AssemblyStack, CloudAssembly, DeployedResource, DeploymentState, ReportEntry } from './types';

export interface DeploymentRunOptions {
  readonly clients: LocalClients;
  readonly assembly: CloudAssembly;
  /** The state of the last deployment: what is unchanged, and what left the template. */
  readonly previous: DeploymentState | undefined;
  readonly inlineCodeDir: string;
  readonly log: (line: string) => void;
  /** Default: the project's deployers. */
  readonly deployers?: DeployerRegistry;
  /** What the pipeline config declares existing: checked on the servers first, never created. */
  readonly existing?: ExistingDeclarations;
}

export interface DeploymentRunResult {
  readonly deployment: LocalDeployment;
  /** Every resource made on a server, for the state file. */
  readonly resources: DeployedResource[];
  readonly report: ReportEntry[];
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One `deploy`: walks the stacks in order and each stack's resources in dependency order, hands each
 * resource to the deployer of its type, and keeps the report, the skipped resources and the server
 * resources the same way for every type; then removes what left the template.
 *
 * @example
 * ```ts
 * const { deployment, resources, report } = await new DeploymentRun({ clients, assembly, previous, inlineCodeDir, log }).deploy();
 * ```
 */
export class DeploymentRun {
  readonly #options: DeploymentRunOptions;
  readonly #deployers: DeployerRegistry;
  readonly #context: DeployContext;
  readonly #exports = new Map<string, unknown>();
  readonly #skipped: SkippedResource[] = [];
  readonly #resources: DeployedResource[] = [];
  readonly #report: ReportEntry[] = [];

  public constructor(options: DeploymentRunOptions) {
    this.#options = options;
    this.#deployers = options.deployers ?? RESOURCE_DEPLOYERS;
    this.#context = new DeployContext({
      clients: options.clients,
      pseudo: {
        region: options.clients.endpoints.region,
        accountId: LOCAL_ACCOUNT_ID,
        partition: 'aws',
        urlSuffix: 'amazonaws.com',
      },
      previous: options.previous?.deployment,
      assemblyDir: options.assembly.directory,
      inlineCodeDir: options.inlineCodeDir,
    });
  }

  public async deploy(): Promise<DeploymentRunResult> {
    const { existing } = this.#options;
    if (existing) {
      const { missing, found } = await checkExistingResources(this.#options.clients, existing);
      if (missing.length > 0) throw new ExistingResourcesMissingError(missing);
      this.#context.useExisting(existing, found);
    }
    for (const stack of this.#options.assembly.stacks) await this.#deployStack(stack);
    await this.#removeLeftovers();
    const context = this.#context;
    return {
      deployment: {
        stackNames: this.#options.assembly.stacks.map((stack) => stack.stackName),
        tables: context.tables,
        kinesisStreams: context.kinesisStreams,
        topics: context.topics,
        queues: context.queues,
        buckets: context.buckets,
        functions: context.functions,
        eventSourceMappings: context.eventSourceMappings,
        scheduleRules: context.scheduleRules,
        skipped: this.#skipped,
      },
      resources: this.#resources,
      report: this.#report,
    };
  }

  async #deployStack(stack: AssemblyStack): Promise<void> {
    this.#options.log(`deploying stack ${stack.stackName}`);
    const values = new Map<string, ResourceValues>();
    const resolver = new TemplateResolver(stack.template, {
      stackName: stack.stackName,
      pseudo: this.#context.pseudo,
      exports: this.#exports,
      resourceValues: (logicalId) => values.get(logicalId),
    });
    const references = (value: unknown) => resolver.references(value);
    const customFunctions = customResourceFunctions(stack.template, references);
    const resources = stack.template.Resources ?? {};
    for (const logicalId of orderResources(stack.stackName, stack.template, references)) {
      const resource = resources[logicalId];
      if (resource.Condition && !resolver.condition(resource.Condition, logicalId, 'Condition')) {
        this.#skip(stack.stackName, logicalId, resource.Type, `condition ${resource.Condition} is false`);
        continue;
      }
      const site: ResourceSite = {
        stackName: stack.stackName,
        stack,
        logicalId,
        resource,
        customResourceFunctions: customFunctions,
        properties: () => {
          const resolved = resolver.resolve(resource.Properties ?? {}, logicalId, '');
          return isObject(resolved) ? resolved : {};
        },
        property: (name) => {
          // Only a few properties feed placeholder values; one that cannot resolve falls back to the logical id.
          try {
            return resolver.resolve(resource.Properties?.[name], logicalId, name);
          } catch {
            return undefined;
          }
        },
      };
      values.set(logicalId, await this.#deployResource(site, deployerFor(this.#deployers, resource.Type)));
    }
    for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (!output.Export) continue;
      if (output.Condition && !resolver.condition(output.Condition, `Outputs.${outputId}`, 'Condition'))
        continue;
      const name = resolver.resolve(output.Export.Name, `Outputs.${outputId}`, 'Export.Name');
      this.#exports.set(String(name), resolver.resolve(output.Value, `Outputs.${outputId}`, 'Value'));
    }
  }

  async #deployResource(site: ResourceSite, deployer: ResourceDeployer): Promise<ResourceValues> {
    const { stackName, logicalId, resource } = site;
    const plan = deployer.plan(site, this.#context);
    if ('skipped' in plan) {
      this.#skip(stackName, logicalId, resource.Type, plan.skipped);
      return plan.values;
    }
    const { name } = plan;
    const applied = await this.#attempt(stackName, logicalId, name, () => plan.apply());
    const { action, detail } = applied;
    this.#entry(stackName, logicalId, { type: resource.Type, kind: deployer.kind, name, action, detail });
    if (deployer.server) {
      const retain =
        resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate';
      this.#resources.push({ kind: deployer.server.kind, stackName, logicalId, name, retain });
    }
    for (const note of applied.notes ?? []) this.#entry(stackName, logicalId, note);
    return applied.values;
  }

  /** Runs a server operation; a failure that is not already a deploy error names the resource it hit. */
  async #attempt<T>(
    stackName: string,
    logicalId: string,
    name: string,
    action: () => Promise<T>,
  ): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof LocalDeployError) throw error;
      throw new ResourceDeployError(stackName, logicalId, name, message(error), { cause: error });
    }
  }

  #entry(stackName: string, logicalId: string, line: ReportLine): void {
    const { type, kind, name, action, detail } = line;
    this.#report.push({ stackName, logicalId, type, kind, name, action, detail });
    this.#options.log(`${action.padEnd(9)} ${type} ${name}${detail ? ` (${detail})` : ''}`);
  }

  #skip(stackName: string, logicalId: string, type: string, reason: string): void {
    this.#skipped.push({ logicalId, type, reason });
    const line = { kind: RESOURCE_KINDS.other, action: DEPLOY_ACTIONS.skipped, detail: reason };
    this.#entry(stackName, logicalId, { type, name: logicalId, ...line });
  }

  /** Resources of the previous deployment that left the template: deleted, unless their DeletionPolicy keeps them. */
  async #removeLeftovers(): Promise<void> {
    const previous = this.#options.previous;
    if (!previous) return;
    const current = new Set(this.#resources.map((resource) => `${resource.kind}:${resource.name}`));
    for (const resource of previous.resources) {
      if (current.has(`${resource.kind}:${resource.name}`)) continue;
      const { stackName, logicalId, kind, name } = resource;
      const server = serverOperations(this.#deployers, kind);
      let line: Pick<ReportLine, 'action' | 'detail'>;
      if (resource.retain) {
        const detail = 'left the template; kept on the server (DeletionPolicy Retain)';
        line = { action: DEPLOY_ACTIONS.retained, detail };
      } else {
        const existed = await this.#attempt(stackName, logicalId, name, () =>
          server.remove(this.#options.clients, name),
        );
        const detail = existed ? 'left the template' : 'left the template (already gone)';
        line = { action: DEPLOY_ACTIONS.deleted, detail };
      }
      this.#entry(stackName, logicalId, { type: server.type, kind, name, ...line });
    }
    // Functions, mappings and scheduled rules live only in the state file: leaving the template removes them from it.
    const left = { action: DEPLOY_ACTIONS.deleted, detail: 'left the template' };
    const functions = new Set(this.#context.functions.map((fn) => fn.functionName));
    for (const { logicalId, functionName } of previous.deployment.functions) {
      if (functions.has(functionName)) continue;
      const kind = RESOURCE_KINDS.function;
      this.#entry('', logicalId, { type: CFN_TYPES.function, kind, name: functionName, ...left });
    }
    const mappings = new Set(this.#context.eventSourceMappings.map((mapping) => mapping.logicalId));
    for (const { logicalId } of previous.deployment.eventSourceMappings) {
      if (mappings.has(logicalId)) continue;
      const kind = RESOURCE_KINDS.eventSourceMapping;
      this.#entry('', logicalId, { type: CFN_TYPES.eventSourceMapping, kind, name: logicalId, ...left });
    }
    const rules = new Set(this.#context.scheduleRules.map((rule) => rule.logicalId));
    for (const { logicalId, ruleName } of previous.deployment.scheduleRules ?? []) {
      if (rules.has(logicalId)) continue;
      const kind = RESOURCE_KINDS.scheduleRule;
      this.#entry('', logicalId, { type: CFN_TYPES.eventRule, kind, name: ruleName, ...left });
    }
  }
}
