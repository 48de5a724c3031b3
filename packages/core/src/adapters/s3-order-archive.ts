import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { OrderArchive, ReportArchive } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/** How long a presigned download stays valid. */
export const DOWNLOAD_URL_SECONDS = 15 * 60;

/** `OrderArchive` (and the consistency reports' `ReportArchive`) over one private S3 bucket. */
export class S3OrderArchive extends SdkAdapter<S3Client, string> implements OrderArchive, ReportArchive {
  put(key: string, json: string): Promise<void> {
    return guarded("bucket", "store order", async () => {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.target, Key: key, Body: json, ContentType: "application/json" }),
      );
    });
  }

  read(key: string): Promise<string | undefined> {
    return guarded("bucket", "read object", async () => {
      try {
        const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.target, Key: key }));
        return await Body?.transformToString();
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    });
  }

  downloadUrl(key: string): Promise<string | undefined> {
    return guarded("bucket", "sign download", async () => {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: this.target, Key: key }));
      } catch (error) {
        if ((error as { name?: string }).name === "NotFound") return undefined;
        throw error;
      }
      const get = new GetObjectCommand({ Bucket: this.target, Key: key });
      return getSignedUrl(this.client, get, { expiresIn: DOWNLOAD_URL_SECONDS });
    });
  }

  ping(): Promise<void> {
    return guarded("bucket", "ping", async () => {
      await this.client.send(new HeadBucketCommand({ Bucket: this.target }));
    });
  }
}
