/**
 * Entry point of the `pulumi-resource-aws` stand-in plugin (bin/pulumi-resource-aws execs node on the compiled
 * form of this file). The engine starts it, reads the port it prints, and talks gRPC to it.
 */
import { main } from "@pulumi/pulumi/provider/index.js";
import { providerConfigFrom } from "./config.js";
import { hookServer } from "./server-hooks.js";
import { standInProvider } from "./provider.js";
import { rememberReadInputs } from "./read-inputs.js";
import { isRecord } from "./values.js";

const provider = standInProvider();
hookServer({
  onConfigure: (variables, args) => provider.configure(providerConfigFrom(variables, args)),
  onRead: (urn, id, inputs) => rememberReadInputs(urn, id, isRecord(inputs) ? inputs : undefined),
  planUpdate: (urn, olds, news) => provider.planUpdate(urn, olds, news),
});
await main(provider, process.argv.slice(2));
