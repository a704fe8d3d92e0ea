/**
 * @pulumi/pulumi/provider's gRPC server answers Configure without showing the request to the Provider (its
 * `configure` only says which features it accepts), so a Node provider never sees its own config. The stand-in
 * needs `region`, `profile` and `ignoreTags`, so this wraps the server's Configure handler: it reads the request's
 * `variables` and `args`, hands them to `onConfigure`, then lets the original handler answer.
 *
 * The wrap is installed on the very @grpc/grpc-js module @pulumi/pulumi loads (resolved from its own location), on
 * `Server.prototype.addService`, before `main()` registers the provider service. It is the one place that depends on
 * the SDK's internals: if they change, Configure still answers, and `onConfigure` is simply not called (the
 * provider then fails loudly on its first call without a region rather than guessing one).
 *
 * The same wrap makes the provider answer previews as the bridge does (supportsPreview: a previewed update returns
 * its planned state, see `planUpdate`; a previewed create, its inputs), gives an import's Read (no properties) an empty state, which the SDK's Read handler cannot do without,
 * records each Read request's `inputs` (read-inputs.ts), which the SDK's server also drops, and puts the
 * changed property names of a Diff into its response (`diffs`): the SDK's DiffResult has no field for them, while the
 * real provider (the bridge) reports them and the engine passes them on in its events; it records each Diff's
 * `ignoreChanges`, which the bridge applies to its diff and the SDK's handler drops. And it hands each Create,
 * Update and Delete's custom timeout to the provider's waits (operation-timeouts.ts).
 */
import { createRequire } from "node:module";
import { withOperationTimeout } from "./operation-timeouts.js";

interface ReadRequest {
  getId(): string;
  getUrn(): string;
  getInputs(): { toJavaScript(): unknown } | undefined;
  getProperties(): unknown;
  setProperties(value: unknown): void;
}

interface ConfigureRequest {
  getVariablesMap(): { entries(): Iterable<[string, string]> };
  getArgs(): { toJavaScript(): unknown } | undefined;
}

type Handler = (call: { request: ConfigureRequest }, callback: unknown) => unknown;

export interface ServerHooks {
  onConfigure(variables: Map<string, string>, args: unknown): void;
  onRead(urn: string, id: string, inputs: unknown): void;
  /** The planned state of an update in a preview (nothing is called in AWS). */
  planUpdate(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown>;
}

interface JsStruct {
  toJavaScript(): Record<string, unknown>;
}
interface PreviewRequest {
  getPreview(): boolean;
  getIgnorechangesList?(): string[];
  /** The resource's custom timeout for this operation, in seconds (0: none). */
  getTimeout?(): number;
  getUrn(): string;
  getProperties?(): JsStruct;
  getOlds?(): JsStruct;
  getNews?(): JsStruct;
}
type Respond = (error: unknown, response?: unknown) => void;

/** The changed properties of each resource's latest Diff, set by the provider, read by the Diff handler's wrap. */
export const changedKeysByUrn = new Map<string, string[]>();

/**
 * The `ignoreChanges` paths of each resource's latest Diff or Update request, recorded by the handlers' wraps (the
 * SDK's handlers drop them), read by the provider: the bridge applies them to Terraform's diff as well.
 */
export const ignoreChangesByUrn = new Map<string, string[]>();

interface DiffRequest {
  getUrn(): string;
  getIgnorechangesList?(): string[];
}
type DiffCallback = (error: unknown, response?: { setDiffsList(keys: string[]): void }) => void;

export function hookServer(hooks: ServerHooks): void {
  const requireFromPulumi = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
  const struct = requireFromPulumi("google-protobuf/google/protobuf/struct_pb") as { Struct: new () => unknown };
  const proto = requireFromPulumi("./proto/provider_pb.js") as {
    CreateResponse: new () => { setId(id: string): void; setProperties(p: unknown): void };
    UpdateResponse: new () => { setProperties(p: unknown): void };
  };
  const fromJs = (value: Record<string, unknown>) => (struct.Struct as unknown as { fromJavaScript(v: unknown): unknown }).fromJavaScript(value);
  const grpc = requireFromPulumi("@grpc/grpc-js") as { Server: { prototype: { addService(service: unknown, implementation: Record<string, unknown>): void } } };
  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function addService(this: unknown, service: unknown, implementation: Record<string, unknown>) {
    const configure = implementation["configure"];
    if (typeof configure === "function") {
      const handler = configure as Handler;
      implementation["configure"] = function (this: unknown, call: { request: ConfigureRequest }, callback: unknown) {
        const variables = new Map(call.request.getVariablesMap().entries());
        hooks.onConfigure(variables, call.request.getArgs()?.toJavaScript());
        // The bridge answers Configure with supportsPreview, so the engine asks it for a previewed update's planned
        // state; without it the engine hands back the new inputs, and every output that is not an input (an
        // instance's `address`) turns unknown in the preview, which the real provider never does for an update.
        return handler.call(this, call, ((error: unknown, response?: { setSupportspreview(v: boolean): void }) => {
          response?.setSupportspreview(true);
          (callback as Respond)(error, response);
        }) as Respond);
      };
    }
    // With supportsPreview the engine calls Create and Update in previews too, which the SDK's handlers would apply.
    const create = implementation["create"];
    if (typeof create === "function") {
      implementation["create"] = function (this: unknown, call: { request: PreviewRequest }, callback: Respond) {
        if (!call.request.getPreview()) return withOperationTimeout("create", call.request.getTimeout?.(), () => (create as (c: unknown, cb: Respond) => unknown).call(this, call, callback));
        // A previewed create: the inputs as the state, exactly what the engine does for a provider without previews
        // (the bridge's planned state has the computed attributes unknown; either way they are unknown to the program).
        const response = new proto.CreateResponse();
        response.setId("");
        response.setProperties(fromJs(call.request.getProperties!().toJavaScript()));
        callback(undefined, response);
      };
    }
    const update = implementation["update"];
    if (typeof update === "function") {
      implementation["update"] = function (this: unknown, call: { request: PreviewRequest }, callback: Respond) {
        ignoreChangesByUrn.set(call.request.getUrn(), call.request.getIgnorechangesList?.() ?? []);
        if (!call.request.getPreview()) return withOperationTimeout("update", call.request.getTimeout?.(), () => (update as (c: unknown, cb: Respond) => unknown).call(this, call, callback));
        try {
          const response = new proto.UpdateResponse();
          response.setProperties(fromJs(hooks.planUpdate(call.request.getUrn(), call.request.getOlds!().toJavaScript(), call.request.getNews!().toJavaScript())));
          callback(undefined, response);
        } catch (error) {
          callback(error);
        }
      };
    }
    const remove = implementation["delete"];
    if (typeof remove === "function") {
      implementation["delete"] = function (this: unknown, call: { request: { getTimeout?(): number } }, callback: Respond) {
        return withOperationTimeout("delete", call.request.getTimeout?.(), () => (remove as (c: unknown, cb: Respond) => unknown).call(this, call, callback));
      };
    }
    const read = implementation["read"];
    if (typeof read === "function") {
      const handler = read as (call: { request: ReadRequest }, callback: unknown) => unknown;
      implementation["read"] = function (this: unknown, call: { request: ReadRequest }, callback: unknown) {
        // An import's Read (`pulumi import`) carries no properties at all, and the SDK's handler calls
        // `getProperties().toJavaScript()` unguarded: an empty state is what the provider (and the bridge) treat as an import.
        if (call.request.getProperties() === undefined) call.request.setProperties(new struct.Struct());
        hooks.onRead(call.request.getUrn(), call.request.getId(), call.request.getInputs()?.toJavaScript());
        return handler.call(this, call, callback);
      };
    }
    const diff = implementation["diff"];
    if (typeof diff === "function") {
      const handler = diff as (call: { request: DiffRequest }, callback: DiffCallback) => unknown;
      implementation["diff"] = function (this: unknown, call: { request: DiffRequest }, callback: DiffCallback) {
        ignoreChangesByUrn.set(call.request.getUrn(), call.request.getIgnorechangesList?.() ?? []);
        return handler.call(this, call, (error, response) => {
          const keys = changedKeysByUrn.get(call.request.getUrn());
          if (!error && response && keys) response.setDiffsList(keys);
          callback(error, response);
        });
      };
    }
    return original.call(this, service, implementation);
  };
}
