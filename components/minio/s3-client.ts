/** The cached, private-CA-aware S3 client shared with the checker (lib/s3-client.ts). */
export { s3ClientFor, type S3Endpoint } from "../../lib/s3-client";
