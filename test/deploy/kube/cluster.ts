/**
 * A real Kubernetes control plane for the deploy suite, started and stopped by test/deploy/scripts/kube-cluster.sh
 * (etcd, kube-apiserver and kube-controller-manager on loopback, free ports, certificates made for the run), and the
 * real kubectl (built with them) to talk to it. There is no scheduler and no kubelet: pods are created and stay
 * Pending; nothing runs in them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../helpers/definitions.js";

const SCRIPTS = path.join(REPO_ROOT, "test/deploy/scripts");

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Cluster {
  /** Runs kubectl against the cluster; input goes to its standard input. */
  kubectl(args: readonly string[], input?: string): KubectlResult;
  /** kubectl, throwing with its stderr on a non-zero exit. */
  kubectlOk(args: readonly string[], input?: string): string;
  /** `kubectl get -o json` of a list. */
  list<T>(args: readonly string[]): T[];
  stop(): void;
}

export function startCluster(): Cluster {
  const parent = mkdtempSync(path.join(tmpdir(), "rds-echo-kube-"));
  const dir = path.join(parent, "cluster");
  const stop = () => {
    spawnSync("bash", [path.join(SCRIPTS, "kube-cluster.sh"), "stop", dir], { stdio: "inherit", timeout: 60_000 });
    rmSync(parent, { recursive: true, force: true });
  };
  let kubeconfig: string;
  let kubectlBin: string;
  try {
    // The first call builds the binaries when they are not cached (921 CPU-seconds, 8 to 10 minutes on 2 idle cores;
    // .ci/run starts that build in the background before npm test).
    kubectlBin = path.join(execFileSync("bash", [path.join(SCRIPTS, "kube-binaries.sh")], { stdio: ["ignore", "pipe", "inherit"] }).toString().trim(), "kubectl");
    kubeconfig = execFileSync("bash", [path.join(SCRIPTS, "kube-cluster.sh"), "start", dir], { stdio: ["ignore", "pipe", "inherit"], timeout: 300_000 })
      .toString()
      .trim();
  } catch (error) {
    stop();
    throw error;
  }
  const kubectl = (args: readonly string[], input?: string): KubectlResult => {
    const result = spawnSync(kubectlBin, ["--kubeconfig", kubeconfig, "--request-timeout=30s", ...args], {
      input,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: parent },
    });
    if (result.error) throw new Error(`kubectl ${args.join(" ")}: ${result.error.message}`);
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  const kubectlOk = (args: readonly string[], input?: string): string => {
    const result = kubectl(args, input);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
    return result.stdout;
  };
  return {
    kubectl,
    kubectlOk,
    list: <T>(args: readonly string[]) => (JSON.parse(kubectlOk(["get", ...args, "-o", "json"])) as { items: T[] }).items,
    stop,
  };
}
