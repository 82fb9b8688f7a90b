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

export { EnvironmentStoppedError, FunctionConfigError } from './environment/errors';
export type { FunctionPool } from './environment/FunctionPool';
export type { FunctionError, FunctionOutput, InvocationResult } from './environment/types';
export { LocalRuntime, type LocalRuntimeOptions } from './LocalRuntime';
export { MappingConfigError } from './pollers/errors';
export type { Poller, PollerSettings } from './pollers/types';
export { runLocal } from './runLocal';
export { ScheduleConfigError, ScheduleExpressionError } from './schedules/errors';
export type { ScheduleRunner } from './schedules/ScheduleRunner';
export type * from './types';
