/** The registry of every provider the program can deploy: a folder + one line here (adapter.ts is the interface). */
import type { ProviderAdapter } from "./adapter";
import type { Provider } from "./spec";
import { minioAdapter } from "./minio/adapter";
import { awsAdapter } from "./aws/adapter";
import { azureAdapter } from "./azure/adapter";
import { gcpAdapter } from "./gcp/adapter";
import { b2Adapter } from "./b2/adapter";

export const ADAPTERS: Partial<Record<Provider, ProviderAdapter>> = {
  minio: minioAdapter,
  aws: awsAdapter,
  azure: azureAdapter,
  gcp: gcpAdapter,
  b2: b2Adapter,
};
