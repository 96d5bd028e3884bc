#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `certs check-expiration` and `certs renew` without --config read the kubeadm-config ConfigMap
# of the cluster named by --kubeconfig: this runs a real etcd and kube-apiserver (the reference
# peers) inside a network namespace of its own, on 10.0.0.5 (added to its loopback) and
# 127.0.0.1, and compares the reference and ckubeadm against it:
#   tests/conformance/certs/cluster.sh <ckubeadm> <reference-kubeadm>
# Skipped (exit 77, counted as one skip by run.sh) when the etcd or kube-apiserver peer is
# missing. Both servers are killed on exit, even on failure. One line per case, then
# "N passed, N failed, N skipped".
set -u
if [ -z "${CERTS_IN_NETNS:-}" ]; then
	exec unshare --net env CERTS_IN_NETNS=1 bash "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/compare.sh"
. "$top/tests/lib/apiserver.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm>" >&2; exit 2; }
apiserver_peers "$(dirname "$(realpath "$2")")" || { echo "SKIP: no $APISERVER_MISSING"; exit 77; }
ip link set lo up || { echo "SKIP: cannot bring up loopback"; exit 77; }
ip addr add 10.0.0.5/32 dev lo || { echo "SKIP: cannot add 10.0.0.5 to lo"; exit 77; }
conf_init "$(realpath "$1")" "$(realpath "$2")"
# the cases below run both binaries directly in this namespace
conf_start_check

T=$CONF_TMP/cluster
mkdir -p "$T/root"
cat >"$T/root/cfg.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.5
  bindPort: 26443
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: ECDSA-P256
etcd:
  local:
    dataDir: /var/lib/etcd
EOF
fatal() { # <why>: one counted failure, the totals, exit
	echo "FAIL cluster: $1"
	echo "$CONF_PASSED passed, $((CONF_FAILED + 1)) failed, 0 skipped"
	exit 1
}
"$CONF_REF" init phase certs all --config /cfg.yaml --rootfs "$T/root" >/dev/null &&
	"$CONF_REF" init phase kubeconfig all --config /cfg.yaml --rootfs "$T/root" >/dev/null ||
	fatal "reference tree"
K=$T/root/etc/kubernetes/pki
etcd_start "$K" node-a 127.0.0.1 22379 22380 "$T"
etcd_pid=$ETCD_PID
# the flags of kubeadm's kube-apiserver manifest for this configuration
apiserver_start "$K" 10.0.0.5 https://127.0.0.1:22379 "$T/apiserver.log" --secure-port=26443 \
	--bind-address=10.0.0.5
api_pid=$APISERVER_PID
# stderr closed: bash's "Killed" report of a reaped job must not follow the totals line
trap '{ kill -KILL $api_pid $etcd_pid; wait $api_pid $etcd_pid; rm -rf "$CONF_TMP"; } 2>/dev/null' EXIT
KC=("$KUBECTL_BIN" --kubeconfig "$T/root/etc/kubernetes/super-admin.conf")
apiserver_wait_ready "$T/root/etc/kubernetes/super-admin.conf" 60 ||
	{ tail "$T/apiserver.log"; fatal "kube-apiserver not ready"; }

# what `kubeadm init` uploads: the ClusterConfiguration (here with another certificatesDir,
# which the commands' --cert-dir default overrides as in kubeadm), the kubelet's config and
# the Node object kubeadm's getNodeRegistration reads
cat >"$T/cc.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: ECDSA-P256
certificatesDir: /elsewhere/pki
etcd:
  external:
    endpoints: ["https://127.0.0.1:22379"]
    caFile: /etc/kubernetes/pki/etcd/ca.crt
    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key
EOF
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n' >"$T/kubelet.yaml"
"${KC[@]}" create configmap kubeadm-config -n kube-system --from-file=ClusterConfiguration="$T/cc.yaml" >/dev/null &&
	"${KC[@]}" create configmap kubelet-config -n kube-system --from-file=kubelet="$T/kubelet.yaml" >/dev/null &&
	echo '{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"}}' | "${KC[@]}" create -f - >/dev/null ||
	fatal "cluster objects"

# Accepted difference on stderr: kubeadm also fetches the kube-proxy ConfigMap and the node's
# kubelet instance config and warns when they are absent; ckubeadm reads only the
# ClusterConfiguration these commands use, so those two warnings are dropped.
warn='/kubeproxy.config.k8s.io\/v1alpha1 config is loaded/d; /lacks a kubelet instance config file/d'
n=0
cmp_case() { # <name> <args...>: both binaries on copies of the same root
	local name="cluster: $1" s
	shift
	conf_selected "$name" || return 0
	n=$((n + 1))
	for s in ref ours; do
		rm -rf "$T/$s" "$T/$s.case"
		cp -a "$T/root" "$T/$s"
		mkdir -p "$T/$s.case"
		local bin=$CONF_OURS
		[ $s = ref ] && bin=$CONF_REF
		sh -c "$CONF_STARTED" sh "$T/$s.case/started" "$bin" "$@" --rootfs "$T/$s" \
			--kubeconfig /etc/kubernetes/super-admin.conf >"$T/$s.case/out" 2>"$T/$s.case/err" </dev/null
		echo $? >"$T/$s.case/rc"
		conf_normalise <"$T/$s.case/out" | sed -e "${MASK:-}" >"$T/$s.case/out.n"
		conf_normalise <"$T/$s.case/err" | sed -e "$warn" >"$T/$s.case/err.n"
	done
	conf_verdict "$name" "$T/ref.case" "$T/ours.case"
}
# the etcd rows disappear: the cluster's configuration has an external etcd
cmp_case "check-expiration" certs check-expiration
# residual seconds are read at two different instants
MASK='s/"residualTime": [0-9]*/"residualTime": N/; s/residualTime: [0-9]*/residualTime: N/' \
	cmp_case "check-expiration -o json" certs check-expiration -o json
MASK='s/"residualTime": [0-9]*/"residualTime": N/; s/residualTime: [0-9]*/residualTime: N/' \
	cmp_case "check-expiration -o yaml" certs check-expiration -o yaml
cmp_case "renew all" certs renew all
cmp_case "renew etcd-server (external in the cluster)" certs renew etcd-server
cmp_case "check-expiration --cert-dir" certs check-expiration --cert-dir /nonexistent
"${KC[@]}" delete configmap kubeadm-config -n kube-system >/dev/null
cmp_case "no kubeadm-config: fallback" certs renew apiserver
conf_done
