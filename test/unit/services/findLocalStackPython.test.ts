import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLocalStackPython } from '../../../local/services/localstack/findLocalStackPython';
import { localStackServer } from '../../../local/services/localstack/localStackServer';
import { resolveServicesConfig } from '../../../local/services/resolveServicesConfig';

const root = mkdtempSync(join(tmpdir(), 'streambridge-find-python-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in interpreter: exits 0 (usable) or 1 (like a pyenv shim of a version not selected). */
function fakePython(path: string, usable: boolean): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nexit ${usable ? 0 : 1}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('findLocalStackPython', () => {
  it('skips a PATH entry that does not run and takes the newest pyenv version ≥ 3.13', () => {
    // Prepare: a failing python3.13 shim on PATH; pyenv has 3.11, 3.12 (too old even though they run) and 3.13
    const bin = join(root, 'shims');
    fakePython(join(bin, 'python3.13'), false);
    const pyenv = join(root, 'pyenv');
    fakePython(join(pyenv, 'versions', '3.11.7', 'bin', 'python3'), true);
    fakePython(join(pyenv, 'versions', '3.12.1', 'bin', 'python3'), true);
    const wanted = fakePython(join(pyenv, 'versions', '3.13.0', 'bin', 'python3'), true);

    // Act
    const found = findLocalStackPython({ PATH: bin, PYENV_ROOT: pyenv });

    // Assess
    expect(found).toBe(wanted);
  });

  it('prefers a working interpreter on PATH, newest name first', () => {
    // Prepare
    const bin = join(root, 'bin');
    fakePython(join(bin, 'python3.13'), true);
    const newest = fakePython(join(bin, 'python3.14'), true);

    // Act
    const found = findLocalStackPython({ PATH: bin, PYENV_ROOT: join(root, 'no-pyenv') });

    // Assess
    expect(found).toBe(newest);
  });

  it('uses STREAMBRIDGE_LOCALSTACK_PYTHON when set, and only if it runs', () => {
    // Prepare
    const good = fakePython(join(root, 'chosen', 'python'), true);
    const bad = fakePython(join(root, 'broken', 'python'), false);
    const bin = join(root, 'bin');

    // Act
    const chosen = findLocalStackPython({ PATH: bin, STREAMBRIDGE_LOCALSTACK_PYTHON: good });
    const broken = findLocalStackPython({ PATH: bin, STREAMBRIDGE_LOCALSTACK_PYTHON: bad });

    // Assess
    expect(chosen).toBe(good);
    expect(broken).toBeUndefined();
  });

  it('makes the launcher name what to install when there is none', () => {
    // Prepare: nothing on PATH, an empty pyenv, and no venv yet
    const env = { PATH: join(root, 'empty'), PYENV_ROOT: join(root, 'empty-pyenv') };
    const config = { ...resolveServicesConfig({ env }), localStackVenvDir: join(root, 'no-venv') };

    // Act
    const missing = localStackServer.missingPrerequisites(config);

    // Assess
    expect(missing).toEqual([
      {
        name: 'python3.13',
        hint: expect.stringMatching(
          /Python ≥ 3\.13 .*pyenv install 3\.13.*python3\.13-venv.*STREAMBRIDGE_LOCALSTACK_PYTHON/,
        ),
      },
    ]);
  });
});
