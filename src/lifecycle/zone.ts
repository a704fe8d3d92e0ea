/** The echo's CNAME and its hosted zone (looked up once per command when the definition names only a zone name). */
import type { Ports } from "../ports.js";
import type { EchoDefinition } from "../definition/schema.js";

export interface PromotionTarget {
  readonly cname: string;
  readonly zoneId: string;
}

export async function promotionTarget(ports: Pick<Ports, "dns">, definition: EchoDefinition): Promise<PromotionTarget | undefined> {
  const promote = definition.promote;
  if (!promote?.cname) return undefined;
  const zoneId = await ports.dns.resolveZone(promote.cname, {
    ...(promote.zoneId ? { zoneId: promote.zoneId } : {}),
    ...(promote.zoneName ? { zoneName: promote.zoneName } : {}),
  });
  return { cname: promote.cname, zoneId };
}
