import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type {
  LocalDeployment,
  LocalEventSourceMapping,
  LocalFunction,
  LocalKinesisStream,
  LocalQueue,
  LocalTable,
  LocalTopic,
  SkippedResource,
} from '../runtime/types';
import { CFN_TYPES, DEPLOY_ACTIONS, DEPLOY_PATHS, LOCAL_ACCOUNT_ID, RESOURCE_KINDS } from './constants';
import { customResourceFunctions } from './customResourceFunctions';
import { deployKinesisStream } from './deployKinesisStream';
import { readDeploymentState, writeDeploymentState } from './deploymentState';
import { deployQueue } from './deployQueue';
import { deployTable } from './deployTable';
import { deployTopic } from './deployTopic';
import { LocalDeployError, ResourceDeployError } from './errors';
import { LocalClients } from './LocalClients';
import { localEndpoints } from './localEndpoints';
import { type EventSource, localEventSourceMapping } from './localEventSourceMapping';
import { localFunction } from './localFunction';
import { orderResources } from './orderResources';
import { readCloudAssembly } from './readCloudAssembly';
import { kinesisStreamSpec, queueSpec, type SpecSite, tableSpec, topicSpec } from './resourceSpecs';
import { deleteServerResource } from './serverResources';
import { placeholderValues, skipReason } from './skippedResources';
import { type PseudoParameters, type ResourceValues, TemplateResolver } from './TemplateResolver';
import type {
  AssemblyStack,
  CfnResource,
  CloudAssembly,
  DeployAction,
  DeployedResource,
  DeploymentState,
  DeployResult,
  LocalEndpoints,
  ReportEntry,
  ResourceKind,
  ServerResourceKind,
} from './types';

export interface DeployOptions {
  /** A cloud assembly directory (`cdk.out`) or an assembly already read. */
  readonly assembly: string | CloudAssembly;
  /** Default: from the environment, else the services launcher's endpoints. */
  readonly endpoints?: LocalEndpoints;
  /** Root for the default state file. Default: the current directory. */
  readonly projectDir?: string;
  /** Default `<projectDir>/.streambridge/deployment.json`; inline function code is written beside it. */
  readonly stateFile?: string;
  /** Progress lines; default silent. */
  readonly log?: (line: string) => void;
}

type Props = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One `deploy` run: walks the stacks in order and builds the deployment and its report. */
class DeploymentRun {
  readonly #clients: LocalClients;
  readonly #assembly: CloudAssembly;
  readonly #previous: DeploymentState | undefined;
  readonly #inlineCodeDir: string;
  readonly #log: (line: string) => void;
  readonly #pseudo: PseudoParameters;
  readonly #exports = new Map<string, unknown>();
  readonly #sources = new Map<string, EventSource>();
  readonly #queueUrls = new Map<string, string>();
  readonly #streamsByArn = new Map<string, LocalKinesisStream>();
  readonly #tables: LocalTable[] = [];
  readonly #kinesisStreams: LocalKinesisStream[] = [];
  readonly #topics: LocalTopic[] = [];
  readonly #queues: LocalQueue[] = [];
  readonly #functions: LocalFunction[] = [];
  readonly #mappings: LocalEventSourceMapping[] = [];
  readonly #skipped: SkippedResource[] = [];
  readonly #resources: DeployedResource[] = [];
  readonly #report: ReportEntry[] = [];

  public constructor(
    clients: LocalClients,
    assembly: CloudAssembly,
    previous: DeploymentState | undefined,
    inlineCodeDir: string,
    log: (line: string) => void,
  ) {
    this.#clients = clients;
    this.#assembly = assembly;
    this.#previous = previous;
    this.#inlineCodeDir = inlineCodeDir;
    this.#log = log;
    this.#pseudo = {
      region: clients.endpoints.region,
      accountId: LOCAL_ACCOUNT_ID,
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    };
  }

  public async deployStack(stack: AssemblyStack): Promise<void> {
    this.#log(`deploying stack ${stack.stackName}`);
    const values = new Map<string, ResourceValues>();
    const resolver = new TemplateResolver(stack.template, {
      stackName: stack.stackName,
      pseudo: this.#pseudo,
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
      const registered = await this.#deployResource(stack, resolver, logicalId, resource, customFunctions);
      values.set(logicalId, registered);
    }
    for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (!output.Export) continue;
      if (output.Condition && !resolver.condition(output.Condition, `Outputs.${outputId}`, 'Condition'))
        continue;
      const name = resolver.resolve(output.Export.Name, `Outputs.${outputId}`, 'Export.Name');
      this.#exports.set(String(name), resolver.resolve(output.Value, `Outputs.${outputId}`, 'Value'));
    }
  }

  async #deployResource(
    stack: AssemblyStack,
    resolver: TemplateResolver,
    logicalId: string,
    resource: CfnResource,
    customFunctions: ReadonlySet<string>,
  ): Promise<ResourceValues> {
    const type = resource.Type;
    const site: SpecSite = { stackName: stack.stackName, logicalId };
    const properties = () => {
      const resolved = resolver.resolve(resource.Properties ?? {}, logicalId, '');
      return isObject(resolved) ? resolved : {};
    };
    const retain = resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate';
    switch (type) {
      case CFN_TYPES.table:
      case CFN_TYPES.globalTable:
        return this.#table(stack, site, type, properties(), retain);
      case CFN_TYPES.kinesisStream:
        return this.#kinesisStream(stack, site, properties(), retain);
      case CFN_TYPES.mskTopic:
        return this.#topic(stack, site, properties(), retain);
      case CFN_TYPES.queue:
        return this.#queue(stack, site, properties(), retain);
      case CFN_TYPES.function:
        if (customFunctions.has(logicalId)) {
          return this.#skippedFunction(
            stack,
            site,
            properties(),
            'backs a custom resource, which runs only inside CloudFormation',
          );
        }
        return this.#function(stack, site, properties(), resource);
      case CFN_TYPES.eventSourceMapping:
        return this.#eventSourceMapping(stack, site, properties());
      default:
        return this.#skippedResource(stack, resolver, logicalId, resource);
    }
  }

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

  #entry(
    stackName: string,
    logicalId: string,
    type: string,
    kind: ResourceKind,
    name: string,
    action: DeployAction,
    detail: string,
  ): void {
    this.#report.push({ stackName, logicalId, type, kind, name, action, detail });
    this.#log(`${action.padEnd(9)} ${type} ${name}${detail ? ` (${detail})` : ''}`);
  }

  #deployed(
    stack: AssemblyStack,
    logicalId: string,
    kind: ServerResourceKind,
    name: string,
    retain: boolean,
  ): void {
    this.#resources.push({ kind, stackName: stack.stackName, logicalId, name, retain });
  }

  #skip(stackName: string, logicalId: string, type: string, reason: string): void {
    this.#skipped.push({ logicalId, type, reason });
    this.#entry(stackName, logicalId, type, RESOURCE_KINDS.other, logicalId, DEPLOY_ACTIONS.skipped, reason);
  }

  async #table(stack: AssemblyStack, site: SpecSite, type: string, props: Props, retain: boolean) {
    const spec = tableSpec(site, type, props, this.#pseudo.region);
    const outcome = await this.#attempt(stack.stackName, site.logicalId, spec.tableName, () =>
      deployTable(this.#clients.dynamodb, spec),
    );
    this.#entry(
      stack.stackName,
      site.logicalId,
      type,
      RESOURCE_KINDS.table,
      spec.tableName,
      outcome.action,
      outcome.detail,
    );
    this.#deployed(stack, site.logicalId, 'table', spec.tableName, retain);
    if (outcome.streamArn) {
      this.#sources.set(outcome.streamArn, {
        kind: 'dynamodb-streams',
        sourceArn: outcome.streamArn,
        name: `table ${spec.tableName} stream`,
      });
    }
    const destination = spec.kinesisStreamArn ? this.#streamsByArn.get(spec.kinesisStreamArn) : undefined;
    const table: LocalTable = {
      logicalId: site.logicalId,
      tableName: spec.tableName,
      ...(outcome.streamArn ? { streamArn: outcome.streamArn } : {}),
      ...(outcome.streamViewType ? { streamViewType: outcome.streamViewType } : {}),
      ...(spec.ttlAttribute ? { ttlAttribute: spec.ttlAttribute } : {}),
      ...(destination ? { kinesisDestination: destination.logicalId } : {}),
    };
    this.#tables.push(table);
    if (spec.kinesisStreamArn) this.#streamingDestination(stack, table, spec.kinesisStreamArn, destination);
    const attributes: Record<string, unknown> = { Arn: outcome.tableArn };
    if (outcome.streamArn && spec.streamViewType) attributes.StreamArn = outcome.streamArn;
    return { type, ref: spec.tableName, attributes };
  }

  #streamingDestination(
    stack: AssemblyStack,
    table: LocalTable,
    streamArn: string,
    destination: LocalKinesisStream | undefined,
  ): void {
    const type = 'DynamoDB Kinesis streaming destination';
    const name = `${table.tableName} → ${destination?.streamName ?? streamArn}`;
    if (!destination) {
      this.#entry(
        stack.stackName,
        table.logicalId,
        type,
        RESOURCE_KINDS.other,
        name,
        DEPLOY_ACTIONS.skipped,
        `Kinesis stream ${streamArn} is not in this app`,
      );
      return;
    }
    const before = this.#previous?.deployment.tables.find(
      (previous) => previous.tableName === table.tableName,
    );
    const action = !before?.kinesisDestination
      ? DEPLOY_ACTIONS.created
      : before.kinesisDestination === table.kinesisDestination
        ? DEPLOY_ACTIONS.unchanged
        : DEPLOY_ACTIONS.updated;
    this.#entry(
      stack.stackName,
      table.logicalId,
      type,
      RESOURCE_KINDS.other,
      name,
      action,
      'emulated from the table stream by `streambridge local run`',
    );
  }

  async #kinesisStream(stack: AssemblyStack, site: SpecSite, props: Props, retain: boolean) {
    const spec = kinesisStreamSpec(site, props);
    const outcome = await this.#attempt(stack.stackName, site.logicalId, spec.streamName, () =>
      deployKinesisStream(this.#clients.kinesis, spec),
    );
    this.#entry(
      stack.stackName,
      site.logicalId,
      CFN_TYPES.kinesisStream,
      RESOURCE_KINDS.kinesisStream,
      spec.streamName,
      outcome.action,
      outcome.detail,
    );
    this.#deployed(stack, site.logicalId, 'kinesis-stream', spec.streamName, retain);
    const stream: LocalKinesisStream = {
      logicalId: site.logicalId,
      streamName: spec.streamName,
      streamArn: outcome.streamArn,
      shardCount: outcome.shardCount,
    };
    this.#kinesisStreams.push(stream);
    this.#streamsByArn.set(outcome.streamArn, stream);
    this.#sources.set(outcome.streamArn, {
      kind: 'kinesis',
      sourceArn: outcome.streamArn,
      name: `Kinesis stream ${spec.streamName}`,
    });
    return { type: CFN_TYPES.kinesisStream, ref: spec.streamName, attributes: { Arn: outcome.streamArn } };
  }

  async #topic(stack: AssemblyStack, site: SpecSite, props: Props, retain: boolean) {
    const spec = topicSpec(site, props);
    const outcome = await this.#attempt(stack.stackName, site.logicalId, spec.topicName, async () => {
      let admin: Awaited<ReturnType<LocalClients['kafkaAdmin']>>;
      try {
        admin = await this.#clients.kafkaAdmin();
      } catch (error) {
        throw new Error(
          `cannot reach the Kafka broker at ${this.#clients.endpoints.kafkaBrokers}: ${message(error)}`,
        );
      }
      return deployTopic(admin, spec);
    });
    this.#entry(
      stack.stackName,
      site.logicalId,
      CFN_TYPES.mskTopic,
      RESOURCE_KINDS.topic,
      spec.topicName,
      outcome.action,
      outcome.detail,
    );
    this.#deployed(stack, site.logicalId, 'topic', spec.topicName, retain);
    this.#topics.push({
      logicalId: site.logicalId,
      name: spec.topicName,
      partitions: outcome.partitions,
      configs: spec.configs,
    });
    const arn = spec.clusterArn.includes(':cluster/')
      ? `${spec.clusterArn.replace(':cluster/', ':topic/')}/${spec.topicName}`
      : `arn:aws:kafka:${this.#pseudo.region}:${this.#pseudo.accountId}:topic/local/${spec.topicName}`;
    return { type: CFN_TYPES.mskTopic, ref: arn, attributes: { TopicArn: arn } };
  }

  async #queue(stack: AssemblyStack, site: SpecSite, props: Props, retain: boolean) {
    const spec = queueSpec(site, props);
    const outcome = await this.#attempt(stack.stackName, site.logicalId, spec.queueName, () =>
      deployQueue(this.#clients.sqs, spec),
    );
    this.#entry(
      stack.stackName,
      site.logicalId,
      CFN_TYPES.queue,
      RESOURCE_KINDS.queue,
      spec.queueName,
      outcome.action,
      outcome.detail,
    );
    this.#deployed(stack, site.logicalId, 'queue', spec.queueName, retain);
    this.#queues.push({
      logicalId: site.logicalId,
      queueName: spec.queueName,
      queueUrl: outcome.queueUrl,
      queueArn: outcome.queueArn,
    });
    this.#queueUrls.set(outcome.queueArn, outcome.queueUrl);
    this.#sources.set(outcome.queueArn, {
      unsupported: 'SQS event sources are not polled by the local runtime',
    });
    return {
      type: CFN_TYPES.queue,
      ref: outcome.queueUrl,
      attributes: { Arn: outcome.queueArn, QueueName: spec.queueName, QueueUrl: outcome.queueUrl },
    };
  }

  #functionValues(functionName: string): ResourceValues {
    const arn = `arn:aws:lambda:${this.#pseudo.region}:${this.#pseudo.accountId}:function:${functionName}`;
    return { type: CFN_TYPES.function, ref: functionName, attributes: { Arn: arn } };
  }

  #skippedFunction(stack: AssemblyStack, site: SpecSite, props: Props, reason: string): ResourceValues {
    this.#skip(stack.stackName, site.logicalId, CFN_TYPES.function, reason);
    const name =
      typeof props.FunctionName === 'string' ? props.FunctionName : `${stack.stackName}-${site.logicalId}`;
    return this.#functionValues(name);
  }

  #function(stack: AssemblyStack, site: SpecSite, props: Props, resource: CfnResource): ResourceValues {
    const result = localFunction({
      stackName: stack.stackName,
      logicalId: site.logicalId,
      properties: props,
      ...(resource.Metadata ? { metadata: resource.Metadata } : {}),
      assemblyDir: this.#assembly.directory,
      assets: stack.assets,
      endpoints: this.#clients.endpoints,
      inlineCodeDir: this.#inlineCodeDir,
    });
    if (!result.ok) return this.#skippedFunction(stack, site, props, result.reason);
    const { fn } = result;
    this.#functions.push(fn);
    const before = this.#previous?.deployment.functions.find(
      (previous) => previous.functionName === fn.functionName,
    );
    const action = !before
      ? DEPLOY_ACTIONS.created
      : isDeepStrictEqual(before, fn)
        ? DEPLOY_ACTIONS.unchanged
        : DEPLOY_ACTIONS.updated;
    const changed =
      before && action === DEPLOY_ACTIONS.updated ? `; changed: ${changedKeys(before, fn).join(', ')}` : '';
    this.#entry(
      stack.stackName,
      site.logicalId,
      CFN_TYPES.function,
      RESOURCE_KINDS.function,
      fn.functionName,
      action,
      `${result.detail}${changed}`,
    );
    return this.#functionValues(fn.functionName);
  }

  #functionFor(reference: string): LocalFunction | undefined {
    return this.#functions.find((fn) => {
      const arn = this.#functionValues(fn.functionName).attributes.Arn as string;
      return reference === fn.functionName || reference === arn || reference.startsWith(`${arn}:`);
    });
  }

  #sourceFor(arn: string): EventSource | undefined {
    const known = this.#sources.get(arn);
    if (known) return known;
    // Enhanced fan-out consumers: the local poller reads the stream the consumer belongs to.
    const consumer = arn.indexOf('/consumer/');
    if (consumer > 0) return this.#sources.get(arn.slice(0, consumer));
    if (arn.startsWith('arn:aws:kafka:'))
      return { kind: 'kafka', name: 'MSK cluster (mapped to the local broker)' };
    return undefined;
  }

  #eventSourceMapping(stack: AssemblyStack, site: SpecSite, props: Props): ResourceValues {
    const result = localEventSourceMapping({
      stackName: stack.stackName,
      logicalId: site.logicalId,
      properties: props,
      functionFor: (reference) => this.#functionFor(reference),
      sourceFor: (arn) => this.#sourceFor(arn),
      queueUrlFor: (arn) => this.#queueUrls.get(arn),
    });
    const values: ResourceValues = {
      type: CFN_TYPES.eventSourceMapping,
      ref: site.logicalId,
      attributes: {
        EventSourceMappingId: site.logicalId,
        EventSourceMappingArn: `arn:aws:lambda:${this.#pseudo.region}:${this.#pseudo.accountId}:event-source-mapping:${site.logicalId}`,
      },
    };
    if (!result.ok) {
      this.#skip(stack.stackName, site.logicalId, CFN_TYPES.eventSourceMapping, result.reason);
      return values;
    }
    this.#mappings.push(result.mapping);
    const before = this.#previous?.deployment.eventSourceMappings.find(
      (previous) => previous.logicalId === site.logicalId,
    );
    const action = !before
      ? DEPLOY_ACTIONS.created
      : isDeepStrictEqual(before, result.mapping)
        ? DEPLOY_ACTIONS.unchanged
        : DEPLOY_ACTIONS.updated;
    const changed =
      before && action === DEPLOY_ACTIONS.updated
        ? `; changed: ${changedKeys(before, result.mapping).join(', ')}`
        : '';
    this.#entry(
      stack.stackName,
      site.logicalId,
      CFN_TYPES.eventSourceMapping,
      RESOURCE_KINDS.eventSourceMapping,
      site.logicalId,
      action,
      `${result.detail}${changed}`,
    );
    return values;
  }

  #skippedResource(
    stack: AssemblyStack,
    resolver: TemplateResolver,
    logicalId: string,
    resource: CfnResource,
  ): ResourceValues {
    this.#skip(stack.stackName, logicalId, resource.Type, skipReason(resource.Type));
    return placeholderValues({
      type: resource.Type,
      logicalId,
      region: this.#pseudo.region,
      accountId: this.#pseudo.accountId,
      endpoints: this.#clients.endpoints,
      property: (name) => {
        // Only a few properties feed placeholder values; one that cannot resolve falls back to the logical id.
        try {
          return resolver.resolve(resource.Properties?.[name], logicalId, name);
        } catch {
          return undefined;
        }
      },
    });
  }

  /** Resources of the previous deployment that left the template: deleted, unless their DeletionPolicy keeps them. */
  public async removeLeftovers(): Promise<void> {
    if (!this.#previous) return;
    const current = new Set(this.#resources.map((resource) => `${resource.kind}:${resource.name}`));
    for (const resource of this.#previous.resources) {
      if (current.has(`${resource.kind}:${resource.name}`)) continue;
      const { stackName, logicalId, kind, name } = resource;
      const type = SERVER_RESOURCE_TYPES[kind];
      if (resource.retain) {
        const detail = 'left the template; kept on the server (DeletionPolicy Retain)';
        this.#entry(stackName, logicalId, type, kind, name, DEPLOY_ACTIONS.retained, detail);
        continue;
      }
      const existed = await this.#attempt(stackName, logicalId, name, () =>
        deleteServerResource(this.#clients, resource),
      );
      const detail = existed ? 'left the template' : 'left the template (already gone)';
      this.#entry(stackName, logicalId, type, kind, name, DEPLOY_ACTIONS.deleted, detail);
    }
    const functions = new Set(this.#functions.map((fn) => fn.functionName));
    for (const fn of this.#previous.deployment.functions) {
      if (functions.has(fn.functionName)) continue;
      const { logicalId, functionName } = fn;
      this.#entry(
        '',
        logicalId,
        CFN_TYPES.function,
        RESOURCE_KINDS.function,
        functionName,
        DEPLOY_ACTIONS.deleted,
        'left the template',
      );
    }
    const mappings = new Set(this.#mappings.map((mapping) => mapping.logicalId));
    for (const { logicalId } of this.#previous.deployment.eventSourceMappings) {
      if (mappings.has(logicalId)) continue;
      const kind = RESOURCE_KINDS.eventSourceMapping;
      this.#entry(
        '',
        logicalId,
        CFN_TYPES.eventSourceMapping,
        kind,
        logicalId,
        DEPLOY_ACTIONS.deleted,
        'left the template',
      );
    }
  }

  public finish(): { deployment: LocalDeployment; resources: DeployedResource[]; report: ReportEntry[] } {
    return {
      deployment: {
        stackNames: this.#assembly.stacks.map((stack) => stack.stackName),
        tables: this.#tables,
        kinesisStreams: this.#kinesisStreams,
        topics: this.#topics,
        queues: this.#queues,
        functions: this.#functions,
        eventSourceMappings: this.#mappings,
        skipped: this.#skipped,
      },
      resources: this.#resources,
      report: this.#report,
    };
  }
}

/** CloudFormation type of each kind of server resource, for report lines about resources no longer in a template. */
const SERVER_RESOURCE_TYPES: Readonly<Record<ServerResourceKind, string>> = {
  table: CFN_TYPES.table,
  'kinesis-stream': CFN_TYPES.kinesisStream,
  topic: CFN_TYPES.mskTopic,
  queue: CFN_TYPES.queue,
};

/** Top-level keys whose values differ between two records, for the report. */
function changedKeys(before: object, after: object): string[] {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((key) => !isDeepStrictEqual(left[key], right[key]));
}

/**
 * Deploys a synthesized CDK app to the local servers: DynamoDB tables with their streams and TTL (moto),
 * Kinesis streams (kinesis-mock), Kafka topics with partitions and configs (the broker), SQS queues (moto);
 * functions and event source mappings are resolved into the local runtime's model. Every resource appears in
 * the report as created, updated, unchanged, skipped (with the reason), blocked (cannot change in place),
 * deleted or retained. Deploying the same assembly again changes nothing. The result is written to the
 * state file that `status`, `run` and `destroy` read.
 *
 * @example
 * ```ts
 * const { deployment, report } = await deployTemplate({ assembly: 'cdk.out' });
 * for (const entry of report) console.log(entry.action, entry.type, entry.name, entry.detail);
 * ```
 */
export async function deployTemplate(options: DeployOptions): Promise<DeployResult> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const stateFile = resolve(projectDir, options.stateFile ?? DEPLOY_PATHS.stateFile);
  const assembly =
    typeof options.assembly === 'string' ? readCloudAssembly(options.assembly) : options.assembly;
  const endpoints = options.endpoints ?? localEndpoints();
  const previous = readDeploymentState(stateFile);
  const clients = new LocalClients(endpoints);
  try {
    const run = new DeploymentRun(
      clients,
      assembly,
      previous,
      resolve(dirname(stateFile), DEPLOY_PATHS.inlineCodeDir),
      options.log ?? (() => undefined),
    );
    for (const stack of assembly.stacks) await run.deployStack(stack);
    await run.removeLeftovers();
    const { deployment, resources, report } = run.finish();
    writeDeploymentState(stateFile, {
      version: 1,
      deployedAt: new Date().toISOString(),
      assemblyDir: assembly.directory,
      endpoints,
      deployment,
      resources,
    });
    return { deployment, report, stateFile };
  } finally {
    await clients.close();
  }
}
