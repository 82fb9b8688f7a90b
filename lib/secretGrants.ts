/**
 * Read access to a secret as the role's own statements, including the KMS decrypt an existing secret may
 * need: its key is unknown at synth, so the decrypt is allowed on the secret's account's keys only through
 * Secrets Manager and only for this secret (the encryption context Secrets Manager sets).
 */
import { Arn, ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Lets `role` decrypt an existing secret encrypted with a customer managed key (an MSK `AmazonMSK_` secret
 * always is); nothing for a secret the pipeline created (its key, if any, is granted by
 * {@link grantSecretRead}).
 */
export function grantExistingSecretDecrypt(role: iam.IRole, secret: secretsmanager.ISecret): void {
  if (
    secret instanceof secretsmanager.Secret ||
    secret.encryptionKey ||
    Token.isUnresolved(secret.secretArn)
  ) {
    return;
  }
  const { partition, region, account } = Arn.split(secret.secretArn, ArnFormat.COLON_RESOURCE_NAME);
  const keys = `arn:${partition}:kms:${region}:${account}:key/*`;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [keys],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': `${secret.secretArn}*` },
      },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${keys}]`,
    reason:
      "The key of an existing secret is not known at synth: kms:Decrypt is allowed on the secret's account's keys only through Secrets Manager and only for this secret (kms:EncryptionContext:SecretARN).",
  });
}

/**
 * Lets `role` read the secret and decrypt it through Secrets Manager. Written as the role's own
 * statements: `secret.grantRead` would also add the role to the key policy, making the data stack that
 * holds the key depend on the bridges stack that holds the role (the key policy trusts the account).
 */
export function grantSecretRead(role: iam.IRole, secret: secretsmanager.ISecret): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
    }),
  );
  if (secret.encryptionKey) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(role).region}.amazonaws.com` },
        },
      }),
    );
  }
  grantExistingSecretDecrypt(role, secret);
}
