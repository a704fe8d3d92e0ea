/**
 * A throwaway CA and server certificates made with the openssl command, for TLS tests against real servers: one for
 * the name a client connects to, and one from the same CA for another name (what an attacker holding any certificate
 * of that CA presents). Files live in a temp directory removed by `remove()`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface Issued {
  readonly cert: string;
  readonly key: string;
}

export interface TestCa {
  readonly ca: string;
  /** A server certificate for these subjectAltNames (`IP:127.0.0.1`, `DNS:db.example.test`). */
  issue(altNames: readonly string[]): Issued;
  remove(): void;
}

export function testCa(): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), "rds-echo-ca-"));
  const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=rds-echo test CA"]);
  let n = 0;
  return {
    ca: readFileSync(path.join(dir, "ca.pem"), "utf8"),
    issue(altNames) {
      n++;
      const name = `server${n}`;
      writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${altNames.join(",")}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
      openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${altNames[0]!.replace(/^[A-Z]+:/, "")}`]);
      openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`]);
      return { cert: readFileSync(path.join(dir, `${name}.pem`), "utf8"), key: readFileSync(path.join(dir, `${name}.key`), "utf8") };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
