#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Reuse and mismatch rules against the reference kubeadm v1.37.2: both trees are generated,
# then damaged the same way, and `init phase certs all` + `init phase kubeconfig all` are run
# again by the reference and by ckubeadm. Console lines, warnings, error messages, exit status
# and the files left on disk (nothing overwritten on error) must be the same. One line per case
# ("reuse: <case>" for CKUBEADM_CASES), then "N passed, N failed, N skipped".
#
# usage: tests/pki/reuse.sh <ckubeadm> [case...]    (KUBEADM_REF: the reference)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm> [case...]" >&2; exit 2; }
ours=$(readlink -f "$1")
shift
only=" $* "
ref=${KUBEADM_REF:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
[ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
. "$root/tests/lib/compare.sh"
if [ -z "${PKI_LIST:-}" ]; then # PKI_LIST=1: the case names only (CKUBEADM_CASES in run.sh)
	[ -x "$ref" ] || { echo "SKIP: reference kubeadm not found at $ref"; exit 77; }
	CONF_OURS=$ours CONF_REF=$ref CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0
	conf_start_check unshare --net --
fi

work=$(mktemp -d /tmp/pki-reuse.XXXXXX)
trap 'rm -rf "$work"' EXIT

cfg() { # <file> <certificatesDir> <advertise address>
	cat >"$1" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $3
  bindPort: 6443
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $2
EOF
}

# setup: fresh trees made by each binary, and another one (another CA, another address) made
# by ckubeadm; returns 1 when one of them cannot be made
setup() {
	rm -rf "$work/ref" "$work/ours" "$work/other"
	mkdir -p "$work/ref/kc" "$work/ours/kc" "$work/other/kc"
	cfg "$work/ref.yaml" "$work/ref/pki" 192.168.10.5
	cfg "$work/ours.yaml" "$work/ours/pki" 192.168.10.5
	cfg "$work/other.yaml" "$work/other/pki" 192.168.99.9
	local t
	for t in ref ours other; do
		run $t >"$work/setup.log" 2>&1 || { sed 's/^/    /' "$work/setup.log"; return 1; }
	done
}

# run ref|ours|other -> stdout lines, stderr warnings/errors, status; "did not start" on stderr
# when the binary was not started (tests/lib/compare.sh)
run() {
	local bin=$ours rc
	[ "$1" = ref ] && bin=$ref
	rm -f "$work/started"
	(cd / && unshare --net -- sh -c "$CONF_STARTED" sh "$work/started" "$bin" init phase certs all \
		--config "$work/$1.yaml" </dev/null &&
		unshare --net -- "$bin" init phase kubeconfig all --config "$work/$1.yaml" \
			--kubeconfig-dir "$work/$1/kc" </dev/null)
	rc=$?
	conf_side_started "$work/started" $rc || { echo "did not start (exit $rc)" >&2; return 127; }
	return $rc
}

normalize() { # dir-specific paths and klog prefixes away
	sed -E -e "s#$work/(ref|ours)#DIR#g" \
		-e 's/^W[0-9]{4} [0-9:.]+ +[0-9]+ [^]]*\] //'
}

snapshot() { (cd "$work/$1" && find . -type f -printf '%p %m ' -exec md5sum {} \; | awk '{print $1, $2, $3}' | sort); }

case_() { # name, then a function damaging $work/<tree>
	local name="$1" fn="$2" t
	[ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
	[ -z "${PKI_LIST:-}" ] || { echo "reuse: $name"; return 0; }
	conf_selected "reuse: $name" || return 0
	if ! setup; then
		echo "FAIL reuse: $name: the trees could not be made"
		CONF_FAILED=$((CONF_FAILED + 1))
		return 0
	fi
	for t in ref ours; do
		"$fn" "$t"
		snapshot "$t" >"$work/$t.before"
		run "$t" >"$work/$t.out" 2>"$work/$t.err"
		echo "status $?" >>"$work/$t.out"
		snapshot "$t" >"$work/$t.after"
	done
	normalize <"$work/ref.out" >"$work/a"; normalize <"$work/ours.out" >"$work/b"
	normalize <"$work/ref.err" >>"$work/a"; normalize <"$work/ours.err" >>"$work/b"
	local ok=1
	if grep -q '^did not start' "$work/ref.err" "$work/ours.err"; then
		echo "case $name: a binary did not start"; ok=0
	fi
	if ! diff -u "$work/a" "$work/b" >"$work/diff"; then
		echo "case $name: output differs"; sed 's/^/    /' "$work/diff"; ok=0
	fi
	# files changed by the run: the same names in both trees
	diff "$work/ref.before" "$work/ref.after" | grep '^[<>]' | awk '{print $1, $2}' >"$work/a"
	diff "$work/ours.before" "$work/ours.after" | grep '^[<>]' | awk '{print $1, $2}' >"$work/b"
	if ! diff -u "$work/a" "$work/b" >"$work/diff"; then
		echo "case $name: changed files differ"; sed 's/^/    /' "$work/diff"; ok=0
	fi
	if [ $ok -eq 1 ]; then
		echo "ok   reuse: $name"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL reuse: $name"
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}

d_none() { :; }
d_other_ca() { cp "$work/other/pki/ca.crt" "$work/other/pki/ca.key" "$work/$1/pki/"; }
d_leaf_key_missing() { rm "$work/$1/pki/apiserver.key"; }
d_leaf_cert_missing() { rm "$work/$1/pki/apiserver.crt"; }
d_etcd_peer_missing() { rm "$work/$1/pki/etcd/peer.crt" "$work/$1/pki/etcd/peer.key"; }
d_ca_keyless() { rm "$work/$1/pki/ca.key"; }
d_ca_keyless_leaf_missing() { rm "$work/$1/pki/ca.key" "$work/$1/pki/apiserver.crt" "$work/$1/pki/apiserver.key"; }
d_sa_garbage() { echo garbage >"$work/$1/pki/sa.key"; }
d_sa_pub_missing() { rm "$work/$1/pki/sa.pub"; }
d_leaf_garbage() { echo garbage >"$work/$1/pki/front-proxy-client.crt"; }
d_kc_other_server() { sed -i 's#server: https://.*#server: https://10.0.0.1:6443#' "$work/$1/kc/scheduler.conf"; }
d_kc_other_ca() { cp "$work/other/kc/admin.conf" "$work/$1/kc/admin.conf"; }
d_kc_garbage() { echo 'garbage: [' >"$work/$1/kc/kubelet.conf"; }
d_kc_json_garbage() { echo '{"apiVersion": 1' >"$work/$1/kc/controller-manager.conf"; }
d_kc_no_context() { printf 'kind: Config\napiVersion: v1\ncurrent-context: nope\n' >"$work/$1/kc/admin.conf"; }
d_kc_missing() { rm "$work/$1/kc/super-admin.conf"; }
d_leaf_from_other_ca() { cp "$work/other/pki/front-proxy-client.crt" "$work/other/pki/front-proxy-client.key" "$work/$1/pki/"; }

case_ rerun d_none
case_ other-ca d_other_ca
case_ leaf-key-missing d_leaf_key_missing
case_ leaf-cert-missing d_leaf_cert_missing
case_ etcd-peer-missing d_etcd_peer_missing
# ca-keyless alone is not compared: the reference's certs phase validates the kubeconfig
# files of /etc/kubernetes (its default --kubeconfig-dir) in external CA mode.
case_ ca-keyless-leaf-missing d_ca_keyless_leaf_missing
case_ sa-garbage d_sa_garbage
case_ sa-pub-missing d_sa_pub_missing
case_ leaf-garbage d_leaf_garbage
case_ leaf-from-other-ca d_leaf_from_other_ca
case_ kubeconfig-other-server d_kc_other_server
case_ kubeconfig-other-ca d_kc_other_ca
case_ kubeconfig-garbage d_kc_garbage
case_ kubeconfig-json-garbage d_kc_json_garbage
case_ kubeconfig-no-context d_kc_no_context
case_ kubeconfig-missing d_kc_missing
[ -n "${PKI_LIST:-}" ] || conf_done
