/** The package build failed: type errors, an import it cannot resolve, or a handler esbuild cannot bundle. */
export class BuildError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`build: ${message}`, options);
    this.name = 'BuildError';
  }
}
