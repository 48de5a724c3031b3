import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, tableDesign } from "@orders/core/entities/table-design";
import "./boundary.ts";
import "./links.ts";

const production = $app.stage === "production";
const design = tableDesign();

/**
 * The one table. Keys and indexes come from the ElectroDB entities.
 * Point-in-time recovery is SST's default for Dynamo; the preview tests check it.
 * `expiration` is the TTL attribute: the Idempotency-Key records Powertools
 * writes carry it (epoch seconds), and DynamoDB deletes them once it passes,
 * so they do not pile up. No other item has the attribute.
 */
export const table = new sst.aws.Dynamo("OrdersTable", {
  fields: design.fields,
  primaryIndex: design.primaryIndex,
  globalIndexes: design.globalIndexes,
  ttl: IDEMPOTENCY_EXPIRY_ATTRIBUTE,
  deletionProtection: production,
});

/** Archived JSON of valid orders. Private: reads go through presigned URLs. */
export const bucket = new sst.aws.Bucket("OrdersBucket");

/** Encrypted at rest, said explicitly rather than left to S3's default. */
export const bucketEncryption = new aws.s3.BucketServerSideEncryptionConfiguration("OrdersBucketEncryption", {
  bucket: bucket.name,
  // S3 Bucket Keys only reduce KMS calls: with SSE-S3 (AES256) there is nothing for them to do.
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
});
