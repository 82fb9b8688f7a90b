import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SynthError } from './errors';
import type { AssemblyStack, AssetSource, CfnTemplate, CloudAssembly } from './types';

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly dependencies?: readonly string[];
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly file?: string;
    readonly directoryName?: string;
  };
}

interface AssetManifest {
  readonly files?: Readonly<
    Record<
      string,
      {
        readonly source: { readonly path?: string; readonly packaging?: string };
        readonly destinations: Readonly<Record<string, { readonly objectKey: string }>>;
      }
    >
  >;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new SynthError(
      `cannot read ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

interface RawStack extends Omit<AssemblyStack, 'assets'> {}

/** Walks one assembly directory (and nested stage assemblies) collecting stacks and file assets. */
function collect(directory: string, stacks: RawStack[], assets: Map<string, AssetSource>): void {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new SynthError(`${directory} is not a cloud assembly (no manifest.json); synthesize the app first`);
  }
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(
    manifestFile,
    'cloud assembly manifest',
  );
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'aws:cloudformation:stack' && props.templateFile) {
      stacks.push({
        artifactId,
        stackName: props.stackName ?? artifactId,
        template: readJson<CfnTemplate>(
          join(directory, props.templateFile),
          `template of stack ${artifactId}`,
        ),
        dependencies: artifact.dependencies ?? [],
      });
    } else if (artifact.type === 'cdk:asset-manifest' && props.file) {
      const assetManifest = readJson<AssetManifest>(join(directory, props.file), 'asset manifest');
      for (const file of Object.values(assetManifest.files ?? {})) {
        if (!file.source.path) continue;
        const source = {
          path: resolve(directory, file.source.path),
          packaging: file.source.packaging ?? 'file',
        };
        for (const destination of Object.values(file.destinations)) assets.set(destination.objectKey, source);
      }
    } else if (artifact.type === 'cdk:cloud-assembly' && props.directoryName) {
      collect(join(directory, props.directoryName), stacks, assets);
    }
  }
}

/** Orders stacks so each comes after the stacks it depends on (as `cdk deploy` does). */
function deploymentOrder(stacks: RawStack[]): RawStack[] {
  const byId = new Map(stacks.map((stack) => [stack.artifactId, stack]));
  const ordered: RawStack[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (stack: RawStack, chain: string[]): void => {
    const seen = state.get(stack.artifactId);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new SynthError(
        `stacks depend on each other in a cycle: ${[...chain, stack.artifactId].join(' → ')}`,
      );
    }
    state.set(stack.artifactId, 'visiting');
    for (const dependency of stack.dependencies) {
      const target = byId.get(dependency);
      if (target) visit(target, [...chain, stack.artifactId]);
    }
    state.set(stack.artifactId, 'done');
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack, []);
  return ordered;
}

/**
 * Reads a cloud assembly (`cdk.out`): every stack's template in deployment order, and where each file
 * asset (a function's bundled code) lies in the assembly.
 *
 * @example
 * ```ts
 * const assembly = readCloudAssembly('cdk.out');
 * for (const stack of assembly.stacks) console.log(stack.stackName, Object.keys(stack.template.Resources ?? {}));
 * ```
 */
export function readCloudAssembly(directory: string): CloudAssembly {
  const root = resolve(directory);
  const stacks: RawStack[] = [];
  const assets = new Map<string, AssetSource>();
  collect(root, stacks, assets);
  if (stacks.length === 0) throw new SynthError(`cloud assembly ${root} holds no stack`);
  const stackIds = new Set(stacks.map((stack) => stack.artifactId));
  return {
    directory: root,
    stacks: deploymentOrder(stacks).map((stack) => ({
      ...stack,
      dependencies: stack.dependencies.filter((dependency) => stackIds.has(dependency)),
      assets,
    })),
  };
}
