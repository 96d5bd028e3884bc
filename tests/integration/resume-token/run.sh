#!/bin/bash
# init --resume and bootstrap tokens, against a real etcd and kube-apiserver (the reference peer
# builds) in a network namespace of its own: `init phase bootstrap-token` run twice without
# --resume leaves two tokens (kubeadm: a token generated per run); run three times with --resume
# (the flag, and CKUBEADM_RESUME=1) it reuses the token of the first run: one token, printed the
# same each time. Usage: run.sh <ckubeadm> [reference] [build-dir]. ~5 s.
set -u
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm>" >&2; exit 2; }
ours=$(realpath "$1")
. "$(dirname "$(realpath "$0")")/../../lib/apiserver.sh"
apiserver_peers "${PEERS_DIR:-/var/cache/ckubeadm/peers/k8s-v1.37.2}" ||
	{ echo "FAIL $APISERVER_MISSING not found"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
if [ "${IN_NETNS:-}" != 1 ]; then exec unshare --net -- env IN_NETNS=1 bash "$0" "$@"; fi
ip link set lo up && addr=10.123.0.5 && ip addr add "$addr/32" dev lo ||
	{ echo "FAIL loopback"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
passed=0 failed=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1: $2, want $3"; failed=$((failed + 1)); fi; }
finish() { echo "$passed passed, $failed failed, 0 skipped"; [ "$failed" -eq 0 ]; exit $?; }
work=$(mktemp -d /tmp/tok.XXXXXX); pids=()
trap 'for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/k.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: $addr}
nodeRegistration: {name: node-a, criSocket: "unix:///run/containerd/containerd.sock"}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $work/pki
EOC
"$ours" init phase certs all --config "$work/k.yaml" >"$work/certs.log" 2>&1 &&
"$ours" init phase kubeconfig super-admin --kubeconfig-dir "$work/kc" --config "$work/k.yaml" >>"$work/certs.log" 2>&1 || { cat "$work/certs.log"; check "PKI made" no yes; finish; }
etcd_start "$work/pki" node-a 127.0.0.1 2379 2380 "$work"; pids+=($ETCD_PID)
apiserver_start "$work/pki" "$addr" https://127.0.0.1:2379 "$work/apiserver.log"; pids+=($APISERVER_PID)
kc() { "$KUBECTL_BIN" --kubeconfig "$work/kc/super-admin.conf" --request-timeout=10s "$@"; }
apiserver_wait_ready "$work/kc/super-admin.conf" 150 ||
	{ tail -n 20 "$work/apiserver.log"; check "kube-apiserver ready" no yes; finish; }
for _ in $(seq 60); do kc get namespace kube-system >/dev/null 2>&1 && break; sleep 0.5; done
ntok() { kc -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o name | wc -l; }
# bt [flag...]: init phase bootstrap-token; prints the token it used ("" when it failed)
bt() {
	"$ours" init phase bootstrap-token --config "$work/k.yaml" --kubeconfig "$work/kc/super-admin.conf" \
		"$@" >"$work/bt.log" 2>&1 || { cat "$work/bt.log" >&2; return; }
	sed -n 's/^\[bootstrap-token\] Using token: //p' "$work/bt.log"
}
a=$(bt) b=$(bt)
check "without --resume: two runs, two tokens" "$(ntok)" 2
check "without --resume: each run its own token" "$([ -n "$a" ] && [ "$a" != "$b" ] && echo yes)" yes
kc -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token >/dev/null
a=$(bt --resume) b=$(bt --resume) c=$(export CKUBEADM_RESUME=1; bt)
check "with --resume: three runs, one token" "$(ntok)" 1
check "with --resume: the first run's token printed each time" "$([ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ] && echo yes)" yes
finish
