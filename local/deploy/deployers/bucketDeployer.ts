import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CFN_TYPES, DEPLOY_ACTIONS, RESOURCE_KINDS } from '../constants';
import type { ResourceDeployer, ResourceSite } from './types';
import { MISSING_ON_SERVER, unlessNotFound } from './unlessNotFound';

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens. */
const MAX_BUCKET_NAME = 63;

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return name === 'NotFound' || name === 'NoSuchBucket';
}

/** The template's `BucketName`, else a name derived from stack and logical id as CloudFormation would. */
function bucketName(site: ResourceSite): string {
  const named = site.property('BucketName');
  if (typeof named === 'string' && named !== '') return named;
  return `${site.stackName}-${site.logicalId}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .slice(0, MAX_BUCKET_NAME)
    .replace(/[.-]+$/, '');
}

async function bucketExists(s3: S3Client, name: string): Promise<boolean> {
  return unlessNotFound(
    async () => {
      await s3.send(new HeadBucketCommand({ Bucket: name }));
      return true;
    },
    isNotFound,
    false,
  );
}

/** Object count of a bucket, up to the first page (enough for `status`). */
async function objectCount(s3: S3Client, name: string): Promise<string> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: name }));
  return `${page.KeyCount ?? 0}${page.IsTruncated ? '+' : ''} objects`;
}

/**
 * `AWS::S3::Bucket` on moto (path-style addressing): locally, the S3 on-failure destination of the event
 * source mappings, which receives each discarded batch's whole invocation record. Encryption, lifecycle
 * and access settings have no local meaning; the bucket exists so that the runtime writes where AWS would.
 */
export const bucketDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.bucket,
  plan(site, context) {
    const name = bucketName(site);
    const { region, accountId } = context.pseudo;
    return {
      name,
      async apply() {
        const s3 = context.clients.s3;
        const existed = await bucketExists(s3, name);
        // Outside us-east-1, S3 wants the region named at creation.
        const location =
          region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
        if (!existed) await s3.send(new CreateBucketCommand({ Bucket: name, ...location }));
        const bucketArn = `arn:aws:s3:::${name}`;
        context.buckets.push({ logicalId: site.logicalId, bucketName: name, bucketArn });
        const regional = `${name}.s3.${region}.amazonaws.com`;
        return {
          action: existed ? DEPLOY_ACTIONS.unchanged : DEPLOY_ACTIONS.created,
          detail: `s3://${name} (moto)`,
          values: {
            type: CFN_TYPES.bucket,
            ref: name,
            attributes: {
              Arn: bucketArn,
              DomainName: `${name}.s3.amazonaws.com`,
              RegionalDomainName: regional,
              WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
              AccountId: accountId,
            },
          },
        };
      },
    };
  },
  server: {
    kind: 'bucket',
    type: CFN_TYPES.bucket,
    describe: (clients, name) =>
      unlessNotFound(
        async () => {
          await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
          return { exists: true, detail: await objectCount(clients.s3, name) };
        },
        isNotFound,
        MISSING_ON_SERVER,
      ),
    // S3 deletes only an empty bucket: its objects go first.
    remove: (clients, name) =>
      unlessNotFound(
        async () => {
          for (;;) {
            const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: name }));
            const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
            if (keys.length === 0) break;
            await clients.s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys } }));
          }
          await clients.s3.send(new DeleteBucketCommand({ Bucket: name }));
          return true;
        },
        isNotFound,
        false,
      ),
  },
};
