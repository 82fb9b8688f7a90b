/**
 * The local runtime: execution environments for the deployment's functions and its event source mappings
 * as pollers with AWS semantics. See docs/local-runtime.md.
 *
 * @example
 * ```ts
 * import { runLocal } from '../local/runtime';
 * const runtime = await runLocal(deployment);
 * await runtime.stop();
 * ```
 */

export { ExecutionEnvironment } from './environment/ExecutionEnvironment';
export { EnvironmentStoppedError, FunctionConfigError } from './environment/errors';
export { FunctionPool } from './environment/FunctionPool';
export type { FunctionError, FunctionOutput, InvocationResult } from './environment/types';
export { LocalRuntime, type LocalRuntimeOptions } from './LocalRuntime';
export { FileCheckpointStore, MemoryCheckpointStore } from './pollers/CheckpointStore';
export { MappingConfigError } from './pollers/errors';
export type { CheckpointStore, Poller, PollerSettings } from './pollers/types';
export { runLocal } from './runLocal';
export type * from './types';
