/** A `Custom::KafkaTopic` request that cannot be carried out; its message is the reason CloudFormation shows. */
export class TopicProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicProvisioningError';
  }
}
