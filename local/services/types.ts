import type { AWS_SERVICE_TITLES, AWS_TARGETS, SERVICE_NAMES, STARTED_BY } from './constants';

export type ServiceName = (typeof SERVICE_NAMES)[number];

export type AwsTargetName = (typeof AWS_TARGETS)[number];

/** An AWS service the project uses, named as in its `AWS_ENDPOINT_URL_<SERVICE>` variable. */
export type AwsService = keyof typeof AWS_SERVICE_TITLES;

/** Where the AWS side is served, resolved from the target switch. */
export interface AwsTarget {
  name: AwsTargetName;
  /** The launcher servers that serve the AWS side (none for an external endpoint or real AWS). */
  servers: readonly ServiceName[];
  /** Which launcher server serves each AWS service; undefined when the launcher serves none. */
  servedBy: Readonly<Record<AwsService, ServiceName>> | undefined;
  /** The external endpoint every AWS service goes to (`STREAMBRIDGE_AWS_ENDPOINT`), if any. */
  endpoint: string | undefined;
  /** The region for real AWS (required there); the local region otherwise. */
  region: string;
  /** False for real AWS: the SDK's own credential chain applies, no dummy keys are set. */
  dummyCredentials: boolean;
}

export type StartedByKind = (typeof STARTED_BY)[keyof typeof STARTED_BY];

/** Every port the servers listen on (all on 127.0.0.1). */
export interface ServicePorts {
  kafka: number;
  kafkaController: number;
  redis: number;
  moto: number;
  kinesis: number;
  /** kinesis-mock's HTTPS/HTTP2 listener, needed only for SubscribeToShard. */
  kinesisTls: number;
  /** LocalStack's gateway (every service it serves, on one port). */
  localstack: number;
}

/** Options shared by every launcher function. All are optional: the defaults give the shared instance. */
export interface ServicesOptions {
  /** Where pid files and server data live; a private instance uses its own. Default `.streambridge/state`. */
  stateDir?: string;
  /** Where server logs go. Default `.streambridge/logs` for the default state dir, else `<stateDir>/logs`. */
  logDir?: string;
  /** Port overrides; unset ones come from the `STREAMBRIDGE_*_PORT` variables, then the defaults. */
  ports?: Partial<ServicePorts>;
  /** Which servers; default the ones the AWS target needs (Kafka and Redis always). */
  only?: readonly ServiceName[];
  /** The AWS target; default `STREAMBRIDGE_AWS_TARGET`, else `moto`. */
  awsTarget?: AwsTargetName;
  /** An external endpoint for every AWS service; default `STREAMBRIDGE_AWS_ENDPOINT`. */
  awsEndpoint?: string;
  /** Progress lines (downloads, starts); default stderr. */
  log?: (line: string) => void;
  /** Environment to read ports and PATH from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface StartOptions extends ServicesOptions {
  startedBy?: StartedByKind;
}

export interface StopOptions extends ServicesOptions {
  /** SIGKILL at once instead of SIGTERM first: simulates a crash. */
  kill?: boolean;
  /** Also delete the servers' data in the state dir. */
  purge?: boolean;
}

/** Fully resolved settings for one launcher call. */
export interface ServicesConfig {
  rootDir: string;
  stateDir: string;
  logDir: string;
  cacheDir: string;
  venvDir: string;
  /** LocalStack's own venv (another Python than moto's). */
  localStackVenvDir: string;
  ports: ServicePorts;
  awsTarget: AwsTarget;
  services: readonly ServiceName[];
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** What the pid file of a running server records. */
export interface PidRecord {
  service: ServiceName;
  pid: number;
  ports: number[];
  startedAt: string;
  startedBy: StartedByKind;
  logFile: string;
  cleanExitRename?: CleanExitRename;
}

export interface StartedService {
  service: ServiceName;
  pid: number;
  ports: number[];
  /** True when an already running, healthy server was kept. */
  reused: boolean;
  startedBy: StartedByKind;
  elapsedMs: number;
}

export interface StoppedService {
  service: ServiceName;
  pid: number;
  /** True when SIGTERM was not enough within the bounded wait. */
  killed: boolean;
}

export type ServiceHealth = 'healthy' | 'unhealthy' | 'stopped' | 'port-taken';

export interface ServiceStatus {
  service: ServiceName;
  ports: number[];
  pid: number | undefined;
  health: ServiceHealth;
  startedBy: StartedByKind | undefined;
  logFile: string;
  detail: string | undefined;
}

/** A file the server writes as it exits, to move into place only after a clean (SIGTERM) stop. */
export interface CleanExitRename {
  from: string;
  to: string;
}

/** The command line of a server process. */
export interface ServerCommand {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  cleanExitRename?: CleanExitRename;
}

/** A prerequisite that is missing, with the one-line hint to fix it. */
export interface MissingPrerequisite {
  name: string;
  hint: string;
}

/** How one server is installed, started and probed. */
export interface ServerDefinition {
  readonly name: ServiceName;
  readonly title: string;
  /** Substring of the process command line, to tell our process from a recycled pid. */
  readonly processMarker: string;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  ports(config: ServicesConfig): number[];
  /** Fast, synchronous checks done for every server before anything is installed or started. */
  missingPrerequisites(config: ServicesConfig): MissingPrerequisite[];
  /** One-time download (jars, venv, Debian package); a no-op when already there. */
  install(config: ServicesConfig): Promise<void>;
  /** Per-start preparation (config files, storage format) and the command to run. */
  prepare(config: ServicesConfig): Promise<ServerCommand>;
  /** One readiness probe attempt: resolves when the server answers a real request. */
  probe(config: ServicesConfig): Promise<void>;
  /**
   * Runs once after a start of ours is ready (not when a running server is reused): work that brings the
   * server to its steady speed before anything is measured on it. Resolves with a line for the log.
   */
  warm?(config: ServicesConfig): Promise<string>;
}
