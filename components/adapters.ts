/** Every provider the program can deploy. Adding a provider = a folder + one line here. */
import type { ProviderAdapter } from "./adapter";
import type { Provider } from "./spec";
import { minioAdapter } from "./minio/adapter";
import { gcpAdapter } from "./gcp/adapter";

export const ADAPTERS: Partial<Record<Provider, ProviderAdapter>> = {
  minio: minioAdapter,
  gcp: gcpAdapter,
};
