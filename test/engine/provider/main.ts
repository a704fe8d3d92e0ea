/**
 * Entry point of the `pulumi-resource-aws` stand-in plugin (bin/pulumi-resource-aws execs node on the compiled
 * form of this file). The engine starts it, reads the port it prints, and talks gRPC to it.
 */
import { main } from "@pulumi/pulumi/provider/index.js";
import { providerConfigFrom } from "./config.js";
import { hookConfigure } from "./configure-hook.js";
import { standInProvider } from "./provider.js";

const provider = standInProvider();
hookConfigure((variables, args) => provider.configure(providerConfigFrom(variables, args)));
await main(provider, process.argv.slice(2));
