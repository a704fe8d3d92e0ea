/**
 * The custom timeout of the operation in flight. The engine sends a resource's `customTimeouts` in each Create, Update
 * and Delete request (`timeout`, in seconds: pulumi/proto provider.proto), which @pulumi/pulumi/provider's handlers do
 * not hand to a Node provider: server-hooks.ts reads it off the request and runs the handler inside this context.
 * As the bridge does, the request's timeout is that operation's own (`schema.TimeoutCreate` during a Create); any
 * other wait inside it (the update wait after a restore) keeps the schema's default.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type Operation = "create" | "update" | "delete";

const current = new AsyncLocalStorage<{ readonly operation: Operation; readonly ms: number }>();

/** Runs `body` with the request's timeout (none when the request carries 0: no custom timeout). */
export function withOperationTimeout<T>(operation: Operation, seconds: number | undefined, body: () => T): T {
  return seconds !== undefined && seconds > 0 ? current.run({ operation, ms: seconds * 1000 }, body) : body();
}

/** The timeout of a wait for `operation`: the custom one when that operation is the one in flight, else `fallback`. */
export function timeoutMs(operation: Operation, fallback: number): number {
  const store = current.getStore();
  return store?.operation === operation ? store.ms : fallback;
}
