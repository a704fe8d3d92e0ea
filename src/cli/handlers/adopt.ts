import type { CommandContext } from "../context.js";
import type { EngineFlags } from "./ports.js";
export interface AdoptRequest { readonly echo: string; readonly legacyName: string; readonly engine: EngineFlags; readonly yes: boolean; readonly preview: boolean }
export async function adoptLegacy(_command: CommandContext, _request: AdoptRequest): Promise<number> {
  throw new Error("not yet");
}
