/**
 * The one list of cfn-lint rules whose warnings the synthesized templates may carry, each with why. An
 * error is never ignored. `npm test` (test/infra/cfnLint.test.ts) fails on any other warning, and on an
 * entry here that no template triggers any more (the list stays honest). Explained in docs/deploy.md.
 */
export const CFN_LINT_IGNORED_RULES: Readonly<Record<string, string>> = {
  W3005:
    "Redundant DependsOn: aws-cdk-lib's lambda.Function depends on its whole role construct (the role and its default policy, so the policy exists before the function is created and invoked); the role half is also referenced by the Role GetAtt. CloudFormation orders the resources the same either way.",
  W3010:
    'Hard-coded AZ names: they appear only when the config names AZs by name (network.availabilityZones), the user pinning their subnets on purpose. The default places subnets by AZ id, picked per region at deploy time, which cfn-lint does not flag.',
};
