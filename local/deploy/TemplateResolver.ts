import { TemplateError } from './errors';
import type { CfnTemplate, CfnValue } from './types';

/** What `Ref` and `Fn::GetAtt` give for one resource, once it exists locally (or stands in for a skipped one). */
export interface ResourceValues {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /**
   * Skipped resources answer any attribute with a placeholder (`<logicalId>.<attribute>`), since nothing
   * local will use it; deployed resources answer only the attributes they really have.
   */
  readonly placeholderAttributes?: boolean;
  readonly type: string;
}

export interface PseudoParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

export interface ResolverContext {
  readonly stackName: string;
  readonly pseudo: PseudoParameters;
  /** `Fn::ImportValue` sources: export name → value, from the stacks deployed before this one. */
  readonly exports: ReadonlyMap<string, unknown>;
  /** Values of template parameters, winning over their defaults. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The current values of a resource of this stack; undefined while it is not deployed yet. */
  readonly resourceValues: (logicalId: string) => ResourceValues | undefined;
}

/** Marks `Ref: AWS::NoValue`: the enclosing property or list element disappears. */
const NO_VALUE = Symbol('AWS::NoValue');

type Resolved = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Fn::Sub` placeholders: `${Name}`, `${Name.Attribute}`; `${!Literal}` stays as `${Literal}`. */
const SUB_PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Evaluates CloudFormation intrinsic functions in one stack's template against local values: `Ref`,
 * `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::ImportValue`, `Fn::Base64`,
 * `Fn::FindInMap`, `Fn::GetAZs`, `Fn::If` and the condition functions, `Fn::Length`, `Fn::ToJsonString`,
 * and the pseudo parameters (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`, `AWS::URLSuffix`,
 * `AWS::StackName`, `AWS::StackId`, `AWS::NoValue`).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 *
 * @example
 * ```ts
 * const resolver = new TemplateResolver(template, context);
 * resolver.resolve({ 'Fn::Sub': '${Table}-copy' }, 'MyFunction', 'Environment.Variables.COPY');
 * ```
 */
export class TemplateResolver {
  readonly #template: CfnTemplate;
  readonly #context: ResolverContext;
  readonly #conditionCache = new Map<string, boolean>();

  public constructor(template: CfnTemplate, context: ResolverContext) {
    this.#template = template;
    this.#context = context;
  }

  /**
   * Resolves a property value; `logicalId` and `path` only name the place in errors. A value that resolves
   * to `AWS::NoValue` gives `undefined`.
   */
  public resolve(value: CfnValue, logicalId: string, path: string): Resolved {
    const resolved = this.#resolve(value, logicalId, path);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Whether a named condition of the template holds. */
  public condition(name: string, logicalId = 'Conditions', path = name): boolean {
    const cached = this.#conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.#template.Conditions?.[name];
    if (expression === undefined) throw this.#error(logicalId, path, `condition "${name}" is not defined`);
    const value = this.#resolve(expression, 'Conditions', name);
    if (typeof value !== 'boolean') {
      throw this.#error('Conditions', name, `condition "${name}" does not evaluate to true or false`);
    }
    this.#conditionCache.set(name, value);
    return value;
  }

  /**
   * The logical ids of this template's resources that a value refers to (through `Ref`, `Fn::GetAtt`
   * or `Fn::Sub`), for ordering resources so each is created after what it uses.
   */
  public references(value: CfnValue): Set<string> {
    const found = new Set<string>();
    const resources = this.#template.Resources ?? {};
    const add = (id: string) => {
      if (resources[id]) found.add(id);
    };
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (keys.length === 1) {
        const [key] = keys;
        const arg = node[key];
        if (key === 'Ref' && typeof arg === 'string') {
          add(arg);
          return;
        }
        if (key === 'Fn::GetAtt') {
          if (typeof arg === 'string') add(arg.split('.')[0]);
          else if (Array.isArray(arg) && typeof arg[0] === 'string') add(arg[0]);
          walk(arg);
          return;
        }
        if (key === 'Fn::Sub') {
          const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
          if (typeof text === 'string') {
            for (const match of text.matchAll(SUB_PLACEHOLDER)) {
              const name = match[1];
              if (name.startsWith('!')) continue;
              const id = name.split('.')[0];
              if (!isObject(vars) || !(id in vars)) add(id);
            }
          }
          walk(vars);
          return;
        }
      }
      for (const child of Object.values(node)) walk(child);
    };
    walk(value);
    return found;
  }

  #error(logicalId: string, path: string, problem: string): TemplateError {
    return new TemplateError(this.#context.stackName, logicalId, path, problem);
  }

  #resolve(value: CfnValue, logicalId: string, path: string): Resolved {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.#resolve(item, logicalId, `${path}[${index}]`))
        .filter((item) => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    // `Condition` is an intrinsic only with a string argument: IAM statements have `Condition` objects.
    const [key] = keys;
    const intrinsic =
      keys.length === 1 &&
      (key === 'Ref' || key.startsWith('Fn::') || (key === 'Condition' && typeof value[key] === 'string'));
    if (intrinsic) return this.#intrinsic(key, value[key], logicalId, path);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const resolved = this.#resolve(child, logicalId, path ? `${path}.${key}` : key);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  #string(value: CfnValue, logicalId: string, path: string, what: string): string {
    const resolved = this.#resolve(value, logicalId, path);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw this.#error(logicalId, path, `${what} must resolve to a string, got ${JSON.stringify(resolved)}`);
  }

  #list(value: CfnValue, logicalId: string, path: string, what: string): unknown[] {
    const resolved = this.#resolve(value, logicalId, path);
    if (!Array.isArray(resolved)) {
      throw this.#error(logicalId, path, `${what} must resolve to a list, got ${JSON.stringify(resolved)}`);
    }
    return resolved;
  }

  #args(arg: unknown, count: number, fn: string, logicalId: string, path: string): unknown[] {
    if (!Array.isArray(arg) || arg.length !== count) {
      throw this.#error(
        logicalId,
        path,
        `${fn} takes a list of ${count} arguments, got ${JSON.stringify(arg)}`,
      );
    }
    return arg;
  }

  #intrinsic(fn: string, arg: unknown, logicalId: string, path: string): Resolved {
    const at = `${path}{${fn}}`;
    switch (fn) {
      case 'Ref':
        return this.#ref(this.#string(arg, logicalId, at, 'Ref'), logicalId, path);
      case 'Fn::GetAtt':
        return this.#getAtt(arg, logicalId, path);
      case 'Fn::Sub':
        return this.#sub(arg, logicalId, path);
      case 'Fn::Join': {
        const [delimiter, items] = this.#args(arg, 2, fn, logicalId, path);
        const separator = this.#string(delimiter, logicalId, at, 'Fn::Join delimiter');
        const parts = this.#list(items, logicalId, at, 'Fn::Join values');
        return parts
          .map((part, index) => this.#string(part, logicalId, `${at}[${index}]`, 'Fn::Join value'))
          .join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = this.#args(arg, 2, fn, logicalId, path);
        const position = Number(this.#resolve(index, logicalId, at));
        const list = this.#list(items, logicalId, at, 'Fn::Select list');
        if (!Number.isInteger(position) || position < 0 || position >= list.length) {
          throw this.#error(
            logicalId,
            path,
            `Fn::Select index ${position} is out of range 0..${list.length - 1}`,
          );
        }
        return list[position];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.#args(arg, 2, fn, logicalId, path);
        const separator = this.#string(delimiter, logicalId, at, 'Fn::Split delimiter');
        return this.#string(source, logicalId, at, 'Fn::Split source').split(separator);
      }
      case 'Fn::ImportValue': {
        const name = this.#string(arg, logicalId, at, 'Fn::ImportValue name');
        if (!this.#context.exports.has(name)) {
          throw this.#error(
            logicalId,
            path,
            `Fn::ImportValue "${name}": no stack deployed before this one exports it (is the exporting stack in the app?)`,
          );
        }
        return this.#context.exports.get(name);
      }
      case 'Fn::Base64':
        return Buffer.from(this.#string(arg, logicalId, at, 'Fn::Base64 value'), 'utf8').toString('base64');
      case 'Fn::FindInMap': {
        const [map, top, second] = this.#args(arg, 3, fn, logicalId, path).map((part) =>
          this.#string(part, logicalId, at, 'Fn::FindInMap key'),
        );
        const found = this.#template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined)
          throw this.#error(logicalId, path, `Fn::FindInMap: ${map}.${top}.${second} is not defined`);
        return found;
      }
      case 'Fn::GetAZs': {
        const region = this.#context.pseudo.region;
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = this.#args(arg, 3, fn, logicalId, path);
        const holds = this.condition(this.#string(name, logicalId, at, 'Fn::If condition'), logicalId, at);
        return this.#resolve(holds ? whenTrue : whenFalse, logicalId, path);
      }
      case 'Condition':
        return this.condition(this.#string(arg, logicalId, at, 'Condition name'), logicalId, at);
      case 'Fn::Equals': {
        const [left, right] = this.#args(arg, 2, fn, logicalId, path);
        return (
          JSON.stringify(this.#resolve(left, logicalId, at)) ===
          JSON.stringify(this.#resolve(right, logicalId, at))
        );
      }
      case 'Fn::Not': {
        const [operand] = this.#args(arg, 1, fn, logicalId, path);
        return !this.#boolean(operand, logicalId, at);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2) {
          throw this.#error(logicalId, path, `${fn} takes a list of 2 to 10 conditions`);
        }
        const values = arg.map((operand) => this.#boolean(operand, logicalId, at));
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Length':
        return this.#list(arg, logicalId, at, 'Fn::Length value').length;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.#resolve(arg, logicalId, at));
      default:
        throw this.#error(logicalId, path, `intrinsic function ${fn} is not supported by the local deployer`);
    }
  }

  #boolean(value: CfnValue, logicalId: string, path: string): boolean {
    const resolved = this.#resolve(value, logicalId, path);
    if (typeof resolved === 'boolean') return resolved;
    if (resolved === 'true' || resolved === 'false') return resolved === 'true';
    throw this.#error(logicalId, path, `expected a condition, got ${JSON.stringify(resolved)}`);
  }

  #pseudo(name: string): unknown {
    const { pseudo, stackName } = this.#context;
    switch (name) {
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::Partition':
        return pseudo.partition;
      case 'AWS::URLSuffix':
        return pseudo.urlSuffix;
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${pseudo.partition}:cloudformation:${pseudo.region}:${pseudo.accountId}:stack/${stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  #ref(name: string, logicalId: string, path: string): Resolved {
    const pseudo = this.#pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.#template.Parameters?.[name];
    if (parameter) {
      const override = this.#context.parameters?.[name];
      if (override !== undefined) return override;
      if (parameter.Default !== undefined) return parameter.Default;
      throw this.#error(logicalId, path, `parameter "${name}" has no default and no value was given`);
    }
    if (!this.#template.Resources?.[name]) {
      throw this.#error(logicalId, path, `Ref "${name}": no such resource, parameter or pseudo parameter`);
    }
    return this.#values(name, logicalId, path).ref;
  }

  #values(target: string, logicalId: string, path: string): ResourceValues {
    const values = this.#context.resourceValues(target);
    if (!values) {
      throw this.#error(
        logicalId,
        path,
        `refers to ${target}, which is not deployed (yet); check the resource order`,
      );
    }
    return values;
  }

  #getAtt(arg: unknown, logicalId: string, path: string): Resolved {
    const at = `${path}{Fn::GetAtt}`;
    let target: string;
    let attribute: string;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      target = arg.slice(0, dot);
      attribute = arg.slice(dot + 1);
    } else {
      const [rawTarget, rawAttribute] = this.#args(arg, 2, 'Fn::GetAtt', logicalId, path);
      target = this.#string(rawTarget, logicalId, at, 'Fn::GetAtt resource');
      attribute = this.#string(rawAttribute, logicalId, at, 'Fn::GetAtt attribute');
    }
    if (!this.#template.Resources?.[target]) {
      throw this.#error(logicalId, path, `Fn::GetAtt ${target}.${attribute}: no such resource`);
    }
    return this.#attribute(target, attribute, logicalId, path);
  }

  #attribute(target: string, attribute: string, logicalId: string, path: string): Resolved {
    const values = this.#values(target, logicalId, path);
    if (attribute in values.attributes) return values.attributes[attribute];
    if (values.placeholderAttributes) return `${target}.${attribute}`;
    throw this.#error(
      logicalId,
      path,
      `Fn::GetAtt ${target}.${attribute}: ${values.type} has no attribute "${attribute}" locally (known: ${Object.keys(values.attributes).join(', ')})`,
    );
  }

  #sub(arg: unknown, logicalId: string, path: string): string {
    const at = `${path}{Fn::Sub}`;
    const [text, rawVars] = Array.isArray(arg) ? this.#args(arg, 2, 'Fn::Sub', logicalId, path) : [arg, {}];
    if (typeof text !== 'string') throw this.#error(logicalId, path, 'Fn::Sub needs a string template');
    if (!isObject(rawVars)) throw this.#error(logicalId, path, 'Fn::Sub variables must be an object');
    const vars = new Map(
      Object.entries(rawVars).map(([name, value]) => [
        name,
        this.#string(value, logicalId, `${at}.${name}`, `variable ${name}`),
      ]),
    );
    return text.replace(SUB_PLACEHOLDER, (_match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const variable = vars.get(name);
      if (variable !== undefined) return variable;
      const dot = name.indexOf('.');
      if (dot > 0 && this.#template.Resources?.[name.slice(0, dot)]) {
        const value = this.#attribute(name.slice(0, dot), name.slice(dot + 1), logicalId, at);
        return this.#string(value, logicalId, at, `\${${name}}`);
      }
      return this.#string(this.#ref(name, logicalId, at), logicalId, at, `\${${name}}`);
    });
  }
}
