// Registers resolve-hooks.mjs (see pulumi-resource-aws): bare imports the plugin's own directory cannot satisfy are
// resolved from the rds-echo install's node_modules.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const modules = process.env.RDS_ECHO_STANDIN_MODULES;
if (!modules) throw new Error("resolve-from-rds-echo.mjs: RDS_ECHO_STANDIN_MODULES (the rds-echo install's node_modules) is not set");
register("./resolve-hooks.mjs", import.meta.url, { data: { parentURL: pathToFileURL(`${modules}/`).href } });
