#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback for the deploy suite: etcd, kube-apiserver and
# kube-controller-manager (no scheduler, no kubelet: pods are created and stay Pending, nothing runs).
#
#   kube-cluster.sh start <dir>   starts it in <dir> (made empty first; a temp directory), prints the admin kubeconfig
#   kube-cluster.sh stop <dir>    stops what start started there (by the pids it wrote) and removes <dir>
#
# Certificates are made here with openssl (a CA, the API server's serving certificate for 127.0.0.1, client
# certificates for the admin and the controller manager, a service-account signing key); every port is a free one
# chosen at start, bound to 127.0.0.1. The binaries come from kube-binaries.sh (built once per version) and etcd.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: kube-cluster.sh start|stop <dir>" >&2; exit 2; }

stop() {
  # Reverse order: the controller manager and the API server before the etcd they talk to.
  for name in kube-controller-manager kube-apiserver etcd; do
    pidfile="$dir/$name.pid"
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  rm -rf "$dir"
}

if [ "$cmd" = stop ]; then
  [ -d "$dir" ] || exit 0
  stop
  exit 0
fi
[ "$cmd" = start ] || { echo "kube-cluster.sh: unknown command $cmd (start or stop)" >&2; exit 2; }

bin="$(bash "$here/kube-binaries.sh")"
etcd="$(sh "$here/etcd.sh")"
rm -rf "$dir" && mkdir -p "$dir" && chmod 700 "$dir"
trap 'status=$?; if [ $status -ne 0 ]; then echo "kube-cluster.sh: start failed; last lines of the logs in $dir:" >&2; tail -n 20 "$dir"/*.log >&2 2>/dev/null || true; stop; fi' EXIT

# Free ports, chosen by binding port 0 on loopback (a port may be taken between this and the server's bind; the
# readiness wait below then fails with the server's own message rather than talking to someone else's server).
read -r etcd_port peer_port api_port kcm_port < <(node -e '
  const net = require("node:net");
  const servers = [1, 2, 3, 4].map(() => net.createServer());
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
    .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });')

pki="$dir/pki"; mkdir -p "$pki"
ssl() { openssl "$@" >/dev/null 2>&1 || { echo "kube-cluster.sh: openssl $* failed" >&2; return 1; }; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 2 -subj "/CN=rds-echo test cluster CA"
# issue <name> <subject> <extendedKeyUsage> [subjectAltName]
issue() {
  local ext="$pki/$1.ext"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$3" > "$ext"
  [ -z "${4:-}" ] || printf 'subjectAltName=%s\n' "$4" >> "$ext"
  ssl req -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2"
  ssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -out "$pki/$1.crt" -days 2 -extfile "$ext"
}
issue apiserver "/CN=kube-apiserver" serverAuth "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc"
# system:masters: the admin (the test, kubectl) is allowed everything by RBAC without a binding. The controller manager
# gets the same group so it needs no per-controller service accounts (--use-service-account-credentials); RBAC is not
# what this cluster tests.
issue admin "/O=system:masters/CN=rds-echo-test-admin" clientAuth
issue controller-manager "/O=system:masters/CN=system:kube-controller-manager" clientAuth
ssl genrsa -out "$pki/sa.key" 2048
ssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig() {
  cat > "$dir/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: { server: "https://127.0.0.1:$api_port", certificate-authority: "$pki/ca.crt" }
users:
  - name: $1
    user: { client-certificate: "$pki/$1.crt", client-key: "$pki/$1.key" }
contexts:
  - name: test
    context: { cluster: test, user: $1, namespace: default }
current-context: test
YAML
}
kubeconfig admin
kubeconfig controller-manager

# start <name> <argv...>: in the background, in its own session (so the test's signals do not reach it), logging to
# <dir>/<name>.log; the pid goes to <dir>/<name>.pid for stop.
start() {
  local name="$1"; shift
  setsid "$@" > "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

start etcd "$etcd" --name test --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "test=http://127.0.0.1:$peer_port" --log-level warn

# The endpoint reconciler (the "kubernetes" Service's endpoints) refuses a loopback address, and nothing here
# reaches the API server through that Service: none.
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$dir/apiserver" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/24 --profiling=false \
  --endpoint-reconciler-type none

ready=""
for _ in $(seq 1 240); do
  if ! kill -0 "$(cat "$dir/kube-apiserver.pid")" 2>/dev/null; then echo "kube-cluster.sh: kube-apiserver exited" >&2; exit 1; fi
  if curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
      "https://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { echo "kube-cluster.sh: kube-apiserver not ready on 127.0.0.1:$api_port after 120 s" >&2; exit 1; }

# Only the controllers the chart's objects need: the CronJob and Job controllers (the subject of the test), service
# accounts and namespaces (a namespace's default account, deleting a namespace), the garbage collector (a CronJob's
# Jobs and a Job's pods go with their owner).
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig "$dir/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$dir/controller-manager.kubeconfig" --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$dir/controller-manager" \
  --controllers cronjob-controller,job-controller,serviceaccount-controller,serviceaccount-token-controller,namespace-controller,garbage-collector-controller \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --leader-elect=false

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$dir/kube-controller-manager.pid")" 2>/dev/null; then echo "kube-cluster.sh: kube-controller-manager exited" >&2; exit 1; fi
  if curl -ksS --max-time 2 "https://127.0.0.1:$kcm_port/healthz" 2>/dev/null | grep -q '^ok$'; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { echo "kube-cluster.sh: kube-controller-manager not healthy on 127.0.0.1:$kcm_port after 60 s" >&2; exit 1; }

echo "$dir/admin.kubeconfig"
