'use strict';
/*
 * The runtime inside one local execution environment (one Node process per warm Lambda instance): loads the
 * handler and answers the parent's invocations over IPC. Plain CommonJS so the function's process carries
 * no TypeScript loader; the protocol is in docs/local-runtime.md.
 */
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');

function send(message, then) {
  if (process.connected) process.send(message, then);
}

function serializeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

/** `dir/file.export.path` → module `dir/file` and export path `export.path`, as the Lambda Node runtime splits it. */
function splitHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const rest = handler.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    throw Object.assign(new Error(`Bad handler "${handler}": expected <file>.<export>`), {
      name: 'Runtime.MalformedHandlerName',
    });
  }
  return { modulePath: dir + rest.slice(0, dot), exportPath: rest.slice(dot + 1) };
}

/**
 * Lambda decides ESM vs CommonJS for a `.js` file from a package.json inside the task root only (nothing
 * above /var/task). Locally the asset sits under the project, whose package.json says "module", so the
 * search stops at the task root instead of letting Node walk up to it.
 */
function declaresModule(fileDir, taskRoot) {
  let dir = fileDir;
  for (let depth = 0; depth < 64; depth++) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === taskRoot || path.dirname(dir) === dir) return false;
    dir = path.dirname(dir);
  }
  return false;
}

function loadCommonJs(file) {
  const loaded = new Module(file, module);
  loaded.filename = file;
  loaded.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = loaded;
  loaded._compile(readFileSync(file, 'utf8'), file);
  loaded.loaded = true;
  return loaded.exports;
}

async function loadHandlerModule(taskRoot, modulePath) {
  const base = path.resolve(taskRoot, modulePath);
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const file = base + extension;
    if (!existsSync(file)) continue;
    const isModule =
      extension === '.mjs' || (extension === '.js' && declaresModule(path.dirname(file), taskRoot));
    return isModule ? import(pathToFileURL(file).href) : loadCommonJs(file);
  }
  throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${taskRoot}`), {
    name: 'Runtime.ImportModuleError',
  });
}

function resolveExport(moduleExports, exportPath) {
  let value = moduleExports;
  for (const part of exportPath.split('.')) value = value == null ? undefined : value[part];
  if (typeof value !== 'function' && moduleExports && moduleExports.default) {
    value = moduleExports.default;
    for (const part of exportPath.split('.')) value = value == null ? undefined : value[part];
  }
  return value;
}

function buildContext(context) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, context.deadlineMs - Date.now()),
  };
}

/** Async handlers resolve their result; callback-style handlers (3 parameters) call back. */
function callHandler(handler, event, context) {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

async function main() {
  const started = Date.now();
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    const { modulePath, exportPath } = splitHandler(process.env._HANDLER || '');
    const moduleExports = await loadHandlerModule(taskRoot, modulePath);
    handler = resolveExport(moduleExports, exportPath);
    if (typeof handler !== 'function') {
      throw Object.assign(new Error(`${process.env._HANDLER} is undefined or not exported`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
  } catch (error) {
    process.exitCode = 1;
    // Disconnect only once the report is out, so the parent sees the error rather than a bare exit.
    send({ type: 'initError', error: serializeError(error) }, () => process.disconnect());
    return;
  }

  process.on('message', async (message) => {
    if (message?.type !== 'invoke') return;
    try {
      const result = await callHandler(handler, message.event, buildContext(message.context));
      // Lambda returns the handler's result serialized as JSON; undefined becomes null.
      const payload = result === undefined ? null : JSON.parse(JSON.stringify(result));
      send({ type: 'result', id: message.id, payload });
    } catch (error) {
      send({ type: 'error', id: message.id, error: serializeError(error) });
    }
  });
  // The parent going away (killed test run, stopped runtime) ends this environment too.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', initDurationMs: Date.now() - started });
}

main();
