/**
 * Entry of the `secure-storage` provider plugin (launched by bin/pulumi-resource-secure-storage).
 * The engine passes its address as the argument; pulumi.provider.main serves the gRPC API and
 * prints the port the engine connects to.
 */
import * as pulumi from "@pulumi/pulumi";
import { secureStorageProvider } from "./server";

pulumi.provider.main(secureStorageProvider, process.argv.slice(2)).catch((e: unknown) => {
  console.error(`secure-storage provider: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
