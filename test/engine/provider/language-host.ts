/**
 * Stand-in for `pulumi-language-nodejs`, so the plain CLI can run the project's `main` from Pulumi.yaml
 * (`pulumi preview -s <generation>` from the checkout's root). The real host is a Go module
 * (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that the Go module proxy does not serve, so it
 * cannot be built here.
 *
 * It serves the LanguageRuntime gRPC service with the Node SDK's own implementation of it, the one the Automation API
 * uses for inline programs (@pulumi/pulumi/automation/server.js), running the project's compiled `main` as the
 * program. GUESS/difference: the real host starts a separate node process (`@pulumi/pulumi/cmd/run`) per run and
 * passes the project root as --root-directory; this one runs the program in its own process and sets the same
 * PULUMI_NODEJS_ROOT_DIRECTORY from the request. Dependency installation and the `about`/`pack` RPCs are absent.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

interface ProgramInfo {
  getRootDirectory(): string;
  getProgramDirectory(): string;
  getEntryPoint(): string;
}
interface RunCall {
  request: { getInfo(): ProgramInfo | undefined; getPwd(): string; getProgram(): string };
}
type Callback = (error: Error | null | undefined, response?: unknown) => void;
interface Server {
  addService(service: unknown, implementation: Record<string, unknown>): void;
  bindAsync(address: string, credentials: unknown, done: (error: Error | null, port: number) => void): void;
}

// The same @grpc/grpc-js and generated service the SDK was built with, resolved from the SDK's own location.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as { Server: new (options?: object) => Server; ServerCredentials: { createInsecure(): unknown } };
const services = sdkRequire("./proto/language_grpc_pb.js") as { LanguageRuntimeService: unknown };
const { LanguageServer } = sdkRequire("./automation/server.js") as {
  LanguageServer: new (program: () => Promise<unknown>) => Record<string, (call: unknown, callback: Callback) => unknown>;
};

/** The program of one run: the project's `main`, found from the request as the real host finds it. */
function programOf(call: RunCall): () => Promise<unknown> {
  const info = call.request.getInfo();
  const root = info?.getRootDirectory() || call.request.getPwd();
  const entry = info ? path.resolve(info.getProgramDirectory(), info.getEntryPoint()) : path.resolve(call.request.getPwd(), call.request.getProgram());
  process.env["PULUMI_NODEJS_ROOT_DIRECTORY"] = root;
  // As the real host does: the program runs in main's own folder (dist/program), not the project root.
  process.chdir(info?.getProgramDirectory() || call.request.getPwd());
  return async () => {
    const module = (await import(pathToFileURL(entry.endsWith(".js") ? entry : path.join(entry, "index.js")).href)) as { default?: unknown };
    return typeof module.default === "function" ? (module.default as () => unknown)() : undefined;
  };
}

const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
const base = new LanguageServer(async () => undefined);
server.addService(services.LanguageRuntimeService, {
  ...Object.fromEntries(Object.getOwnPropertyNames(Object.getPrototypeOf(base)).filter((k) => k !== "constructor").map((k) => [k, base[k]!.bind(base)])),
  run: (call: RunCall, callback: Callback) => new LanguageServer(programOf(call))["run"]!(call, callback),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  // The engine reads the port from the first line of stdout.
  process.stdout.write(`${port}\n`);
});
