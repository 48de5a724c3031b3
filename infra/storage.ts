import { tableDesign } from "../packages/core/src/entities/table-design.ts";

const production = $app.stage === "production";
const design = tableDesign();

/** The one table. Keys and indexes come from the ElectroDB entities. */
export const table = new sst.aws.Dynamo("OrdersTable", {
  fields: design.fields,
  primaryIndex: design.primaryIndex,
  globalIndexes: design.globalIndexes,
  deletionProtection: production,
  transform: {
    table: (args) => {
      args.pointInTimeRecovery = { enabled: true };
    },
  },
});

/** Archived JSON of valid orders. Private: reads go through presigned URLs. */
export const bucket = new sst.aws.Bucket("OrdersBucket");

/** Encrypted at rest, said explicitly rather than left to S3's default. */
export const bucketEncryption = new aws.s3.BucketServerSideEncryptionConfiguration("OrdersBucketEncryption", {
  bucket: bucket.name,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
});
