/**
 * The one way a handler, or a client inside one, is set up once per execution environment: built on
 * first use, shared by concurrent callers, forgotten when building it failed (docs/handlers.md, "Handler
 * lifecycle").
 */

export interface Lazy<T> {
  /**
   * The value, built by the first call; concurrent first calls share that one attempt. A failed attempt is
   * forgotten, so the next call (the next invocation) tries again.
   */
  get(): Promise<T>;
  /** Forgets the value, so the next `get` builds a new one; returns the attempt that was held, if any. */
  reset(): Promise<T> | undefined;
}

/**
 * A value built once, on first use, and built again after a failure or a `reset`.
 *
 * @example
 * ```ts
 * const sink = lazyInit(() => createDynamoSinkHandler({ config: loadHandlerConfig(validate), ... }));
 * export async function handler(event: MSKEvent, context: Context) {
 *   return (await sink.get())(event, context);
 * }
 * ```
 */
export function lazyInit<T>(init: () => T | Promise<T>): Lazy<T> {
  let held: Promise<T> | undefined;
  return {
    get() {
      if (held === undefined) {
        // `init` runs now; a synchronous throw becomes this attempt's rejection.
        const attempt: Promise<T> = new Promise<T>((resolve) => resolve(init())).catch((error: unknown) => {
          if (held === attempt) held = undefined;
          throw error;
        });
        held = attempt;
      }
      return held;
    },
    reset() {
      const previous = held;
      held = undefined;
      return previous;
    },
  };
}
