/** Where `streambridge build` reads its settings and writes the package's files, from the repository root. */
export const BUILD_PATHS = {
  /** Compiler options and root of the library build (tsc: JavaScript and declarations). */
  tsconfig: 'tsconfig.build.json',
  /** Everything the package ships besides package.json and the README. */
  outDir: 'dist',
} as const;

/** The source extensions a relative import may point at, and what the emitted file ends with. */
export const EMITTED_EXTENSIONS = { '.ts': '.js' } as const;
