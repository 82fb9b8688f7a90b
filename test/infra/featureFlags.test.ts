/**
 * The CDK feature flags of a streambridge app: set by `buildApp` itself, so `cdk synth`, the local deployer
 * and the template tests build the same templates; every flag aws-cdk-lib recommends is set (a CDK upgrade
 * that adds one fails here until it is reviewed); a value given in the CDK context wins.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { FEATURE_FLAGS } from '../../lib/defaults/featureFlags';
import { buildApp } from '../../lib/streambridgeApp';
import referenceConfig from '../../streambridge.config';

function build(app: App) {
  return buildApp(referenceConfig, { app, skipBundling: true, cloudFormationValidation: false });
}

describe('the feature flags of a streambridge app', () => {
  it('sets every flag aws-cdk-lib recommends, each at its recommended value unless pinned in buildApp', () => {
    // Act
    const { app } = build(new App());

    // Assess
    const unset = Object.keys(CURRENTLY_RECOMMENDED_FLAGS).filter(
      (flag) => app.node.tryGetContext(flag) === undefined,
    );
    expect(unset).toEqual([]);
    const notRecommended = Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(
      ([flag, value]) =>
        flag in FEATURE_FLAGS && JSON.stringify(FEATURE_FLAGS[flag]) !== JSON.stringify(value),
    );
    expect(notRecommended).toEqual([]);
    expect(app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences')).toBe('strong');
  });

  it('leaves a flag given in the CDK context as given', () => {
    // Act
    const { app } = build(new App({ context: { '@aws-cdk/aws-iam:minimizePolicies': false } }));

    // Assess
    expect(app.node.tryGetContext('@aws-cdk/aws-iam:minimizePolicies')).toBe(false);
    expect(app.node.tryGetContext('@aws-cdk/core:checkSecretUsage')).toBe(true);
  });

  it('keeps them in one place: cdk.json sets none', () => {
    // Act
    const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    };

    // Assess
    expect(Object.keys(cdkJson.context ?? {}).filter((key) => key in FEATURE_FLAGS)).toEqual([]);
  });
});
