/**
 * The package as a user installs it: `npm pack` (which builds it), the tarball unpacked into a fresh
 * project's node_modules/streambridge with aws-cdk-lib and constructs (and the package's own
 * dependencies) linked from this repository's node_modules, no network. The example app, copied into that
 * project, synthesizes from there with bundling on, and its functions' assets are the bundles the package
 * ships: no TypeScript sources, no esbuild needed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_BUNDLES, HANDLERS } from '../../lib/constants';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/existing-table-and-msk');
const STACK = 'orders-bridges';

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties: {
    readonly FunctionName?: string;
    readonly Handler?: string;
    readonly Code?: { readonly S3Key?: string };
  };
}

/** The stack's asset manifest: each file asset's staged folder in the cloud assembly, by asset hash. */
interface AssetManifest {
  readonly files: Record<string, { readonly source: { readonly path: string } }>;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Links `name` into `project`'s node_modules from this repository's, as an offline `npm install` would. */
function linkDependency(project: string, name: string): void {
  const target = join(project, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
}

describe('the packed package, used from node_modules', () => {
  let work: string;
  let project: string;
  let packageDir: string;
  let packedFiles: string[];
  let template: Record<string, TemplateResource>;
  let assets: AssetManifest;

  beforeAll(() => {
    // Prepare: pack (prepack builds dist/), then install the tarball by hand.
    work = mkdtempSync(join(tmpdir(), 'streambridge-pack-'));
    run('npm', ['pack', '--pack-destination', work], ROOT);
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
    packedFiles = run('tar', ['-tzf', join(work, tarball)], work)
      .trim()
      .split('\n');

    project = join(work, 'app');
    packageDir = join(project, 'node_modules', 'streambridge');
    mkdirSync(packageDir, { recursive: true });
    run('tar', ['-xzf', join(work, tarball), '-C', packageDir, '--strip-components=1'], work);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson;
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      linkDependency(project, name);
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'my-cdk-app', private: true, type: 'module' }),
    );
    for (const file of readdirSync(EXAMPLE).filter((name) => name.endsWith('.ts'))) {
      cpSync(join(EXAMPLE, file), join(project, file));
    }

    // Act: synthesize the example with bundling on (no bundling context), from the temporary project.
    const outdir = join(project, 'cdk.out');
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'app.ts'], project, {
      CDK_OUTDIR: outdir,
    });
    const synthesized = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8')) as {
      Resources: Record<string, TemplateResource>;
    };
    template = synthesized.Resources;
    assets = JSON.parse(readFileSync(join(outdir, `${STACK}.assets.json`), 'utf8')) as AssetManifest;
    // The build (a type-checked compile and five esbuild bundles) and the synth take about 25 s of CPU;
    // on a shared two-core machine, next to the other infra files, the wall time can pass the default hook bound.
  }, 360_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled constructs, their declarations and the handler bundles, and no sources', () => {
    const files = packedFiles.map((file) => file.replace(/^package\//, ''));
    expect(files).toContain('dist/lib/index.js');
    expect(files).toContain('dist/lib/index.d.ts');
    for (const handler of Object.values(HANDLERS)) {
      expect(files).toContain(`dist/${HANDLER_BUNDLES.directory}/${handler}/${HANDLER_BUNDLES.file}`);
    }
    const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    // npm always packs a `bin` target: the launcher of the repository's CLI, which needs the repository.
    const outsideDist = files.filter((file) => !file.startsWith('dist/')).sort();
    expect(outsideDist).toEqual(['README.md', 'local/streambridge.mjs', 'package.json']);
  });

  it("deploys the package's prebuilt bundles as the functions' code", () => {
    const bridges = new Map([
      ['orders-ddb-stream-to-kafka', HANDLERS.ddbStreamToKafka],
      ['orders-kafka-to-redis', HANDLERS.kafkaToRedis],
    ]);
    const functions = Object.values(template).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' && bridges.has(resource.Properties.FunctionName ?? ''),
    );
    expect(functions).toHaveLength(bridges.size);
    for (const fn of functions) {
      const handler = bridges.get(fn.Properties.FunctionName ?? '') as string;
      const assetHash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? '';
      const asset = assets.files[assetHash]?.source.path;
      expect(asset, `${fn.Properties.FunctionName} has a file asset`).toBeDefined();
      expect(fn.Properties.Handler).toBe(HANDLER_BUNDLES.lambdaHandler);
      const deployed = join(project, 'cdk.out', asset as string);
      const shipped = join(packageDir, 'dist', HANDLER_BUNDLES.directory, handler);
      expect(readdirSync(deployed).sort()).toEqual(readdirSync(shipped).sort());
      expect(sha256(join(deployed, HANDLER_BUNDLES.file))).toBe(sha256(join(shipped, HANDLER_BUNDLES.file)));
    }
  });
});
