#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Reuse and mismatch rules against the reference kubeadm v1.37.2: both trees are generated,
# then damaged the same way, and `init phase certs all` + `init phase kubeconfig all` are run
# again by the reference and by our pki-driver. Console lines, warnings, error messages (minus
# kubeadm's "error execution phase <name>: " prefix), exit status and the files left on disk
# (nothing overwritten on error) must be the same.
#
# usage: tests/pki/reuse.sh [build-dir] [case...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift || true
only=" $* "
ref=${KUBEADM_REF:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
driver=$build/src/kubeconfig/pki-driver
[ -x "$ref" ] || { echo "SKIP: reference kubeadm not found at $ref"; exit 77; }
[ -x "$driver" ] || { echo "FAIL: $driver not built"; exit 1; }

work=$(mktemp -d /tmp/pki-reuse.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0

setup() {
	rm -rf "$work/ref" "$work/ours" "$work/other"
	mkdir -p "$work/ref/kc" "$work/ours/kc"
	cat >"$work/cfg.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.10.5
  bindPort: 6443
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $work/ref/pki
EOF
	run ref >/dev/null 2>&1
	run ours >/dev/null 2>&1
	"$driver" --quiet --cert-dir "$work/other/pki" --kubeconfig-dir "$work/other/kc" \
		--advertise-address 192.168.99.9 all
}

run() { # ref|ours -> stdout lines, stderr warnings/errors, status
	if [ "$1" = ref ]; then
		"$ref" init phase certs all --config "$work/cfg.yaml" &&
			"$ref" init phase kubeconfig all --config "$work/cfg.yaml" \
				--kubeconfig-dir "$work/ref/kc"
	else
		"$driver" --cert-dir "$work/ours/pki" --kubeconfig-dir "$work/ours/kc" all
	fi
}

normalize() { # dir-specific paths and klog/phase prefixes away
	sed -E -e "s#$work/(ref|ours)#DIR#g" \
		-e 's/^W[0-9]{4} [0-9:.]+ +[0-9]+ [^]]*\] //' \
		-e 's/^error: (error execution phase [^:]*: )?/error: /' \
		-e '/^To see the stack trace/d'
}

snapshot() { (cd "$work/$1" && find . -type f -printf '%p %m ' -exec md5sum {} \; | awk '{print $1, $2, $3}' | sort); }

case_() { # name, then a function damaging $work/<tree>
	local name="$1" fn="$2" t
	[ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
	setup
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
	if ! diff -u "$work/a" "$work/b" >"$work/diff"; then
		echo "case $name: output differs"; sed 's/^/    /' "$work/diff"; ok=0
	fi
	# files changed by the run: the same names in both trees
	diff "$work/ref.before" "$work/ref.after" | grep '^[<>]' | awk '{print $1, $2}' >"$work/a"
	diff "$work/ours.before" "$work/ours.after" | grep '^[<>]' | awk '{print $1, $2}' >"$work/b"
	if ! diff -u "$work/a" "$work/b" >"$work/diff"; then
		echo "case $name: changed files differ"; sed 's/^/    /' "$work/diff"; ok=0
	fi
	[ $ok -eq 1 ] && echo "case $name: ok" || fail=1
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
[ $fail -eq 0 ] && echo PASS || echo FAIL
exit $fail
