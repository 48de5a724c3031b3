import { S3Client } from "@aws-sdk/client-s3";
import { S3OrderArchive } from "@orders/core/adapters/s3-order-archive";
import { Resource } from "sst";
import { announced } from "./client-hooks.ts";
import { once } from "./once.ts";
import { traced } from "./tracing.ts";

export const s3Client = once(() => announced(traced(new S3Client({}))));

export const orderArchive = once(() => new S3OrderArchive(s3Client(), Resource.OrdersBucket.name));
