/**
 * The salt of the change bridges' governance hashes, read from Secrets Manager when the bridge is built:
 * the function's configuration names only the secret (`GOVERNANCE_HASH_SALT_SECRET_ARN`), so learning the
 * salt takes the function role's read permission, not `lambda:GetFunctionConfiguration`. Local runs and
 * tests give the salt itself (`GOVERNANCE_HASH_SALT`).
 *
 * @example
 * ```ts
 * bridge ??= createChangeBridge('ddb-stream-to-kafka', await withGovernanceSalt(process.env));
 * ```
 */
import { ConfigError } from '../../config/errors';
import { HANDLER_ENV } from './constants';
import { type ReadSecretString, readSecretString } from './secrets';

/** `env` with `GOVERNANCE_HASH_SALT` read from the secret `GOVERNANCE_HASH_SALT_SECRET_ARN` names, if any. */
export async function withGovernanceSalt(
  env: NodeJS.ProcessEnv,
  read: ReadSecretString = (secretArn) => readSecretString(secretArn, env.AWS_REGION),
): Promise<NodeJS.ProcessEnv> {
  const secretArn = env[HANDLER_ENV.governanceHashSaltSecretArn];
  if (!secretArn) return env;
  const salt = await read(secretArn);
  if (!salt) {
    throw new ConfigError(
      [`${HANDLER_ENV.governanceHashSaltSecretArn}: secret ${secretArn} holds no SecretString`],
      'missing governance salt',
    );
  }
  return { ...env, [HANDLER_ENV.governanceHashSalt]: salt };
}
